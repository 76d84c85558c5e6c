using System.Text.Json.Nodes;
using Messenger.Federation.Http;
using Messenger.Federation.Ports;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.ClientApi.Rooms;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.RoomServer.Remote;

namespace Messenger.Homeserver.FederationApi;

/// <summary>
/// The resident server's half of "Leaving Rooms (Rejecting Invites)" and "Knocking upon a room": templates built on the
/// room as it stands (<see cref="MembershipTemplates"/>), and the signed events taken through the receive path like any
/// PDU; accepted, it goes on to the other servers in the room, queued with its commit (<see cref="Storage.LocalEventFanout.BeginRelayAsync"/>). A signed event that is not what was asked for (type, membership, sender of the origin, state key = sender,
/// signatures, format) is 400 <c>M_INVALID_PARAM</c> as the endpoints recommend; one the auth rules refuse is 403.
/// Invites are <see cref="FederationInvites"/>.
/// </summary>
public sealed class FederationMemberships(RoomEventPipeline pipeline, RemoteEventIngest ingest, FederationRoomAccess access, MembershipTemplates templates,
    FederationInvites invites) : IFederationMemberships
{
    public async Task<JsonObject> MakeMembershipAsync(string origin, string roomId, string userId, string membership, IReadOnlyCollection<string>? supportedVersions, CancellationToken ct)
    {
        var room = await access.RoomAsync(origin, roomId, ct) ?? throw FederationError.NotFound("Unknown room");
        if (supportedVersions is not null && !supportedVersions.Contains(room.Version.Id)) throw FederationError.IncompatibleRoomVersion(room.Version.Id);
        return await templates.BuildAsync(room, userId, new JsonObject { ["membership"] = membership }, ct);
    }

    public async Task<JsonArray?> SendMembershipAsync(string origin, string roomId, string eventId, string membership, JsonObject ev, CancellationToken ct)
    {
        var room = await access.RoomAsync(origin, roomId, ct) ?? throw FederationError.NotFound("Unknown room");
        var parsed = PduFormat.Parse(ev, room.Version);
        if (!parsed.IsSuccess) throw FederationError.InvalidParam($"Invalid {membership} event: {parsed.Error}");
        var pdu = parsed.Value;
        if (pdu.EventId != eventId) throw FederationError.InvalidParam("The event id does not match the event");
        if (pdu.RoomId != roomId) throw FederationError.InvalidParam("The event is for another room");
        if (pdu.Type != EventTypes.Member) throw FederationError.InvalidParam("Not a membership event");
        if ((string?)(pdu.Content["membership"] as JsonValue) != membership) throw FederationError.InvalidParam($"Not a {membership} event");
        if (pdu.StateKey != pdu.Sender) throw FederationError.InvalidParam("The state key is not the sender");
        if (!pdu.Sender.EndsWith(":" + origin, StringComparison.Ordinal)) throw FederationError.InvalidParam("The sender is not of the requesting server");

        var result = (await ingest.IngestAsync(roomId, [ev], ct, origin, relayFrom: origin))[0];
        switch (result.Outcome)
        {
            case IngestOutcome.Dropped: throw FederationError.InvalidParam($"The {membership} event was not accepted: {result.Reason}");
            case IngestOutcome.Rejected or IngestOutcome.SoftFailed: throw FederationError.Forbidden(result.Reason ?? $"{membership} not allowed");
        }
        if (membership != Membership.Knock) return null;
        var after = await pipeline.SnapshotAsync(roomId, ct) ?? room;
        return await StrippedRoomState.PdusAsync(pipeline, after, memberOf: null, ct);
    }

    public Task<JsonObject> InviteAsync(string origin, string roomId, string eventId, string roomVersion, JsonObject ev, JsonArray? inviteRoomState, CancellationToken ct) =>
        invites.InviteAsync(origin, roomId, eventId, roomVersion, ev, inviteRoomState, ct);
}
