using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// Keeps <see cref="RoomSummaryRow"/> in step with the current state: <see cref="EventPersister"/> stages every state
/// event of a tracked type in its transaction, so the summary never disagrees with the state it was copied from.
/// </summary>
public static class RoomSummaries
{
    public const string Avatar = "m.room.avatar";

    private static readonly HashSet<string> Tracked =
    [
        EventTypes.Create, EventTypes.Name, EventTypes.Topic, EventTypes.CanonicalAlias, Avatar, EventTypes.JoinRules,
        EventTypes.HistoryVisibility, EventTypes.GuestAccess, EventTypes.Encryption,
    ];

    /// <summary>Whether a state event of this type and key changes the summary.</summary>
    public static bool Tracks(string type, string stateKey) => stateKey.Length == 0 && Tracked.Contains(type);

    /// <summary>Adds or updates the room's summary in the unit of work for a new current state event.</summary>
    public static async Task StageAsync(HomeserverDbContext db, string roomId, string type, string stateKey, JsonObject content, CancellationToken ct)
    {
        if (!Tracks(type, stateKey)) return;
        var row = db.RoomSummaries.Local.FirstOrDefault(r => r.RoomId == roomId)
            ?? await db.RoomSummaries.TagWith("RoomSummaries.Stage").FirstOrDefaultAsync(r => r.RoomId == roomId, ct);
        if (row is null)
        {
            row = new RoomSummaryRow { RoomId = roomId };
            db.RoomSummaries.Add(row);
        }
        Apply(row, type, content);
    }

    /// <summary>Copies one state event's content into the summary (pure; a redacted or malformed event clears its field).</summary>
    public static void Apply(RoomSummaryRow row, string type, JsonObject content)
    {
        switch (type)
        {
            case EventTypes.Create: row.RoomType = Text(content["type"]); break;
            case EventTypes.Name: row.Name = Text(content["name"]); break;
            case EventTypes.Topic: row.Topic = Text(content["topic"]); break;
            case EventTypes.CanonicalAlias: row.CanonicalAlias = Text(content["alias"]); break;
            case Avatar: row.AvatarUrl = Text(content["url"]); break;
            case EventTypes.JoinRules: row.JoinRule = Text(content["join_rule"]); break;
            case EventTypes.HistoryVisibility: row.HistoryVisibility = Text(content["history_visibility"]); break;
            case EventTypes.GuestAccess: row.GuestAccess = Text(content["guest_access"]); break;
            case EventTypes.Encryption: row.Encryption = Text(content["algorithm"]); break;
        }
    }

    /// <summary>
    /// Builds the summaries of rooms that have none (rooms created before this table existed), from their current
    /// state. Run at start-up; a no-op once every room has one.
    /// </summary>
    public static async Task BackfillAsync(HomeserverDbContext db, CancellationToken ct)
    {
        var missing = await db.Rooms.TagWith("RoomSummaries.Missing").AsNoTracking()
            .Where(r => !db.RoomSummaries.Any(s => s.RoomId == r.RoomId)).Select(r => r.RoomId).ToListAsync(ct);
        foreach (var roomId in missing)
        {
            var row = new RoomSummaryRow { RoomId = roomId };
            var events = await (from s in db.CurrentState.TagWith("RoomSummaries.Backfill")
                                join e in db.Events on s.EventId equals e.EventId
                                where s.RoomId == roomId && s.StateKey == "" && Tracked.Contains(s.Type)
                                select new { s.Type, e.Json }).ToListAsync(ct);
            foreach (var e in events)
            {
                if (JsonNode.Parse(e.Json)?["content"] is JsonObject content) Apply(row, e.Type, content);
            }
            db.RoomSummaries.Add(row);
        }
        if (missing.Count > 0) await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue(out string? s) && s.Length > 0 ? s : null;
}
