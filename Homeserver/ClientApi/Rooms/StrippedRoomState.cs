using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>
/// The stripped state of an invite or a knock ("Stripped state"): the room's identifying state plus the membership
/// event itself and the inviter's member event, as <c>/sync</c> and sliding sync give it to a user not in the room.
/// </summary>
public static class StrippedRoomState
{
    private static readonly string[] Types =
        [EventTypes.Create, EventTypes.JoinRules, EventTypes.Name, "m.room.avatar", EventTypes.CanonicalAlias, EventTypes.Encryption, EventTypes.Topic];

    /// <summary>
    /// The same state as full PDUs, for another server: <c>invite_room_state</c> and <c>knock_room_state</c> (which
    /// "MUST contain the <c>m.room.create</c> event" and be formatted per the room version), plus the member event of
    /// <paramref name="memberOf"/> (the inviter) when given.
    /// </summary>
    public static async Task<JsonArray> PdusAsync(RoomEventPipeline pipeline, RoomSnapshot snapshot, string? memberOf, CancellationToken ct)
    {
        var ids = Types.Select(type => snapshot.StateEventId(type)).OfType<string>().ToList();
        if (memberOf is not null && snapshot.StateEventId(EventTypes.Member, memberOf) is { } member) ids.Add(member);
        var pdus = new JsonArray();
        foreach (var id in ids.Distinct()) pdus.Add((await pipeline.LoadEventAsync(id, snapshot.Version, ct)).Json.DeepClone());
        return pdus;
    }

    public static async Task<JsonArray> ReadAsync(RoomEventPipeline pipeline, RoomStore rooms, string roomId, string membershipEventId, CancellationToken ct)
    {
        var snapshot = await pipeline.SnapshotAsync(roomId, ct);
        var ids = new List<string> { membershipEventId };
        if (snapshot is not null)
        {
            foreach (var type in Types)
            {
                if (snapshot.StateEventId(type) is { } id) ids.Add(id);
            }
            var invite = await rooms.EventRowAsync(membershipEventId, ct);
            if (invite is not null && snapshot.StateEventId(EventTypes.Member, invite.Sender) is { } inviter) ids.Add(inviter);
        }
        var rows = await rooms.EventRowsAsync(ids.Distinct().ToList(), ct);
        return new JsonArray(rows.Select(r => (JsonNode)ClientEventFormatter.ToStrippedState((JsonObject)JsonNode.Parse(r.Json)!)).ToArray());
    }
}
