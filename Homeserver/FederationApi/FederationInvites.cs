using System.Text.Json.Nodes;
using Messenger.Federation.Http;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Homeserver.ClientApi.Rooms;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.RoomServer.Remote;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.FederationApi;

/// <summary>
/// The invited server's half of "Inviting to a room" (<c>PUT /v2/invite</c>). Checked as the endpoint asks (400
/// <c>M_INVALID_PARAM</c>): the event's format, signature and hash; type <c>m.room.member</c>, membership
/// <c>invite</c>, a sender of the requesting server, a state key naming one of our users. An unsupported room version
/// is 400 <c>M_INCOMPATIBLE_ROOM_VERSION</c>; a room whose server ACL denies the origin, 403. <c>invite_room_state</c>
/// must hold the create event and only valid, signed events of the room from room version 12 on; for older versions,
/// where servers are still migrating, invalid entries are passed on as stripped state only. We then sign the invite.
/// In a room this server is in, the invite takes the receive path like any PDU; otherwise it is recorded out of band
/// (<see cref="OutOfBandMembershipStore"/>), and the invitee's /sync shows it with the stripped state.
/// </summary>
public sealed class FederationInvites(RoomServerContext context, ReceivedPduChecks checks, FederationRoomAccess access, RemoteEventIngest ingest,
    OutOfBandMembershipStore outOfBand, AccountStore accounts)
{
    public async Task<JsonObject> InviteAsync(string origin, string roomId, string eventId, string roomVersion, JsonObject ev, JsonArray? inviteRoomState, CancellationToken ct)
    {
        var version = RoomVersions.Find(roomVersion) ?? throw FederationError.IncompatibleRoomVersion(roomVersion);
        var known = await access.RoomAsync(origin, roomId, ct);
        if (known is not null && known.Version != version) throw FederationError.InvalidParam($"The room's version is {known.Version.Id}, not {roomVersion}");

        var invite = await CheckInviteAsync(origin, roomId, eventId, version, ev, ct);
        var stripped = await StrippedStateAsync(roomId, version, inviteRoomState ?? [], ct);

        var signed = EventSigning.AddSignature(ev, version, context.ServerName, context.SigningKey);
        if (!signed.IsSuccess) throw FederationError.InvalidParam("Cannot sign the invite: " + signed.Error);
        if (known is not null)
        {
            var result = (await ingest.IngestAsync(roomId, [ev.DeepClone().AsObject()], ct, origin))[0];
            switch (result.Outcome)
            {
                case IngestOutcome.Accepted or IngestOutcome.AlreadyKnown: return ev;
                case IngestOutcome.Rejected or IngestOutcome.SoftFailed: throw FederationError.Forbidden(result.Reason ?? "Invite not allowed");
            }
            // Dropped: this server's view of the room is too far behind to place it; it stands alone, like any remote invite.
        }
        stripped.Insert(0, ClientEventFormatter.ToStrippedState(ev));
        await outOfBand.SetAsync(PduFormat.Parse(ev.DeepClone().AsObject(), version).Value!, origin, stripped, ct);
        return ev;
    }

    private async Task<Pdu> CheckInviteAsync(string origin, string roomId, string eventId, RoomVersion version, JsonObject ev, CancellationToken ct)
    {
        var checkedPdu = (await checks.CheckAsync([ev.DeepClone().AsObject()], version, roomId, ct))[0];
        var invite = checkedPdu.Pdu ?? throw FederationError.InvalidParam("Invalid invite event: " + checkedPdu.Dropped?.Reason);
        if (!JsonNode.DeepEquals(invite.Json["content"], ev["content"])) throw FederationError.InvalidParam("The invite's content hash does not match");
        if (invite.EventId != eventId) throw FederationError.InvalidParam("The event id does not match the event");
        if (invite.Type != EventTypes.Member) throw FederationError.InvalidParam("Not a membership event");
        if ((string?)(invite.Content["membership"] as JsonValue) != Membership.Invite) throw FederationError.InvalidParam("Not an invite");
        if (!invite.Sender.EndsWith(":" + origin, StringComparison.Ordinal)) throw FederationError.InvalidParam("The sender is not of the requesting server");
        if (invite.StateKey is not { } invitee || !invitee.EndsWith(":" + context.ServerName, StringComparison.Ordinal))
            throw FederationError.InvalidParam("The invited user is not of this server");
        if (!await accounts.ExistsAsync(invitee, ct)) throw FederationError.Forbidden("No such user on this server");
        return invite;
    }

    /// <summary><c>invite_room_state</c> as stripped state events, after the checks its room version calls for.</summary>
    private async Task<JsonArray> StrippedStateAsync(string roomId, RoomVersion version, JsonArray state, CancellationToken ct)
    {
        var entries = state.OfType<JsonObject>().Select(o => o.DeepClone().AsObject()).ToList();
        if (entries.Count != state.Count) throw FederationError.InvalidParam("invite_room_state holds a non-object");
        var checkedPdus = entries.Count == 0 ? [] : await checks.CheckAsync(entries, version, roomId, ct);
        var strict = version.RoomIdFromCreateEvent;
        if (strict)
        {
            if (checkedPdus.FirstOrDefault(c => c.Dropped is not null) is { } bad) throw FederationError.InvalidParam("invite_room_state: " + bad.Dropped!.Reason);
            if (!checkedPdus.Any(c => c.Pdu is { Type: EventTypes.Create, StateKey: "" })) throw FederationError.InvalidParam("invite_room_state lacks the m.room.create event");
        }
        var stripped = new JsonArray();
        for (var i = 0; i < entries.Count; i++)
        {
            var source = checkedPdus[i].Pdu?.Json ?? entries[i];
            if (source["type"] is JsonValue && source["state_key"] is JsonValue) stripped.Add(ClientEventFormatter.ToStrippedState(source));
        }
        return stripped;
    }
}
