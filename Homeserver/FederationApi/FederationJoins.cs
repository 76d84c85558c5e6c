using System.Text.Json.Nodes;
using Messenger.Federation.Http;
using Messenger.Federation.Ports;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.ClientApi.Rooms;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.RoomServer.Remote;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.FederationApi;

/// <summary>
/// The resident server's half of "Joining Rooms". <c>make_join</c> builds the join on the room as it stands and runs
/// the auth rules on it before offering it (<see cref="MembershipTemplates"/>); <c>send_join</c> takes the joining
/// server's signed event through the same receive path as any PDU and answers with the state before it and the auth
/// chain; the accepted join goes on to the other servers in the room, queued with its commit (<see cref="Storage.LocalEventFanout.BeginRelayAsync"/>). Restricted rooms ("Restricted rooms", v8+): a user neither joined nor invited must meet an allow condition
/// (403 otherwise, 400 <c>M_UNABLE_TO_AUTHORISE_JOIN</c> when we cannot tell); the template then names one of our users
/// who may invite in <c>join_authorised_via_users_server</c>, and on send_join we add our signature, which the auth
/// rules demand of that user's server.
/// </summary>
public sealed class FederationJoins(RoomServerContext context, RemoteEventIngest ingest, FederationRoomAccess access, FederationRoomReads reads, RoomStore rooms,
    MembershipTemplates templates, JoinAuthoriser authoriser) : IFederationJoins
{
    public async Task<JsonObject> MakeJoinAsync(string origin, string roomId, string userId, IReadOnlyCollection<string> supportedVersions, CancellationToken ct)
    {
        var room = await access.RoomAsync(origin, roomId, ct) ?? throw FederationError.NotFound("Unknown room");
        if (!supportedVersions.Contains(room.Version.Id)) throw FederationError.IncompatibleRoomVersion(room.Version.Id);

        var content = new JsonObject { ["membership"] = Membership.Join };
        if (await AuthoriserNeededAsync(room, userId, ct) is { } via) content["join_authorised_via_users_server"] = via;
        return await templates.BuildAsync(room, userId, content, ct);
    }

    /// <summary>The local user to name for a restricted join, or null when the join needs none (already joined or invited, or not restricted).</summary>
    private async Task<string?> AuthoriserNeededAsync(RoomSnapshot room, string userId, CancellationToken ct) =>
        await rooms.MembershipAsync(room.RoomId, userId, ct) is Membership.Join or Membership.Invite or Membership.Ban
            ? null
            : await authoriser.AuthoriserAsync(room, userId, ct);

    public async Task<JsonObject> SendJoinAsync(string origin, string roomId, string eventId, JsonObject joinEvent, CancellationToken ct)
    {
        var room = await access.RoomAsync(origin, roomId, ct) ?? throw FederationError.NotFound("Unknown room");
        var parsed = PduFormat.Parse(joinEvent, room.Version);
        if (!parsed.IsSuccess) throw FederationError.BadJson("Invalid join event: " + parsed.Error);
        var join = parsed.Value;
        if (join.EventId != eventId) throw FederationError.BadJson("The event id does not match the event");
        if (join.RoomId != roomId) throw FederationError.BadJson("The event is for another room");
        if (join.Type != EventTypes.Member || join.StateKey != join.Sender || (string?)(join.Content["membership"] as JsonValue) != Membership.Join)
            throw FederationError.BadJson("Not a join event of its sender");
        if (!join.Sender.EndsWith(":" + origin, StringComparison.Ordinal)) throw FederationError.Forbidden("The joining user is not of the requesting server");

        if (join.Content["join_authorised_via_users_server"] is JsonValue named && named.TryGetValue(out string? via)
            && via.EndsWith(":" + context.ServerName, StringComparison.Ordinal) && await AuthoriserNeededAsync(room, join.Sender, ct) is not null)
        {
            // The allow conditions hold (else the line above threw); the auth rules check that the named user may invite.
            var signed = EventSigning.AddSignature(joinEvent, room.Version, context.ServerName, context.SigningKey);
            if (!signed.IsSuccess) throw FederationError.BadJson("Cannot sign the join: " + signed.Error);
        }

        var result = (await ingest.IngestAsync(roomId, [joinEvent], ct, relayFrom: origin))[0];
        switch (result.Outcome)
        {
            case IngestOutcome.Dropped: throw FederationError.BadJson("Join event not accepted: " + result.Reason);
            case IngestOutcome.Rejected or IngestOutcome.SoftFailed: throw FederationError.Forbidden(result.Reason ?? "Join not allowed");
        }

        var row = await rooms.EventRowAsync(eventId, ct) ?? throw new InvalidOperationException("the accepted join is not stored");
        var stateIds = (await rooms.StateGroupAsync(row.StateGroupBefore, ct)).Values.ToList();
        var (state, chain) = await reads.StateAndChainAsync([.. stateIds, eventId], ct);
        return new JsonObject
        {
            ["state"] = new JsonArray([.. state.Where(r => r.EventId != eventId).Select(r => (JsonNode)FederationRoomReads.Pdu(r, room.Version))]),
            ["auth_chain"] = new JsonArray([.. chain.Select(r => (JsonNode)FederationRoomReads.Pdu(r, room.Version))]),
            ["event"] = FederationRoomReads.Pdu(row, room.Version),
        };
    }
}
