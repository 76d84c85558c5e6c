using System.Text.Json.Nodes;
using Messenger.Federation.Http;
using Messenger.Federation.Ports;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.RoomServer.Remote;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.FederationApi;

/// <summary>
/// The resident server's half of "Joining Rooms". <c>make_join</c> builds the join on the room as it stands and runs
/// the auth rules on it before offering it, so a join that would be refused fails early with the rule's reason;
/// <c>send_join</c> takes the joining server's signed event through the same receive path as any PDU and answers with
/// the state before it and the auth chain. Restricted-room joins through this server (signing as the authorising
/// server) are not offered yet: such a join gets the rules' refusal.
/// </summary>
public sealed class FederationJoins(RoomEventPipeline pipeline, RoomServerContext context, RemoteEventIngest ingest, FederationRoomAccess access, FederationRoomReads reads, RoomStore rooms) : IFederationJoins
{
    public async Task<JsonObject> MakeJoinAsync(string origin, string roomId, string userId, IReadOnlyCollection<string> supportedVersions, CancellationToken ct)
    {
        var room = await access.RoomAsync(origin, roomId, ct) ?? throw FederationError.NotFound("Unknown room");
        if (!supportedVersions.Contains(room.Version.Id)) throw FederationError.IncompatibleRoomVersion(room.Version.Id);

        var content = new JsonObject { ["membership"] = Membership.Join };
        var batch = new LocalEventBatch(room, (id, token) => pipeline.LoadEventAsync(id, room.Version, token), context.ServerName, context.SigningKey, context.Time);
        Pdu trial;
        try
        {
            trial = await batch.AddAsync(new LocalEvent(userId, EventTypes.Member, content, StateKey: userId), ct);
        }
        catch (EventRejectedException e)
        {
            throw FederationError.Forbidden(e.Message);
        }
        var template = trial.Json.DeepClone().AsObject();
        foreach (var key in new[] { "hashes", "signatures", "event_id", "unsigned" }) template.Remove(key);
        template["origin"] = context.ServerName;
        return new JsonObject { ["room_version"] = room.Version.Id, ["event"] = template };
    }

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

        var result = (await ingest.IngestAsync(roomId, [joinEvent], ct))[0];
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
