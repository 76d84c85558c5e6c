using Messenger.Federation.Protocol.Events;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// Writes of the full-text index (<see cref="EventSearchSchema"/>), called by <see cref="EventPersister"/> inside its
/// transaction: an indexed event and its index row commit together, and a redaction removes the target's row in the
/// same transaction as the redaction, so redacted text is never found.
/// </summary>
public static class EventSearchIndex
{
    /// <summary>The searchable key of an event and the content field it reads ("Server Side Search": <c>keys</c>).</summary>
    public static (string Key, string Field)? KeyOf(string type, string? stateKey) => type switch
    {
        EventTypes.Message when stateKey is null => ("content.body", "body"),
        EventTypes.Name when stateKey == "" => ("content.name", "name"),
        EventTypes.Topic when stateKey == "" => ("content.topic", "topic"),
        _ => null,
    };

    /// <summary>The event type a search key belongs to.</summary>
    public static string TypeOfKey(string key) => key switch
    {
        "content.body" => EventTypes.Message,
        "content.name" => EventTypes.Name,
        _ => EventTypes.Topic,
    };

    public static async Task IndexAsync(HomeserverDbContext db, Pdu pdu, string roomId, long position, CancellationToken ct)
    {
        if (KeyOf(pdu.Type, pdu.StateKey) is not var (key, field)) return;
        if (pdu.Content[field] is not System.Text.Json.Nodes.JsonValue v || !v.TryGetValue(out string? text) || text.Length == 0) return;
        // PostgreSQL text cannot hold NUL; a body with one must not fail the whole batch.
        text = text.Replace("\0", "", StringComparison.Ordinal);
        if (db is PostgresHomeserverDbContext)
        {
            // Folded here: the stemmers expect lower case, and lower() of a database in the C locale folds ASCII only.
            text = text.ToLowerInvariant();
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO event_search (event_id, room_id, key, sender, stream_ordering, value)
                VALUES ({pdu.EventId}, {roomId}, {key}, {pdu.Sender}, {position}, {text}) ON CONFLICT (event_id) DO NOTHING
                """, ct);
        }
        else
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO event_search (rowid, value, event_id, room_id, key, sender)
                VALUES ({position}, {text}, {pdu.EventId}, {roomId}, {key}, {pdu.Sender})
                """, ct);
        }
    }

    /// <summary>Drops a redacted event's text from the index.</summary>
    public static Task RemoveAsync(HomeserverDbContext db, string eventId, CancellationToken ct) =>
        db is PostgresHomeserverDbContext
            ? db.Database.ExecuteSqlAsync($"DELETE FROM event_search WHERE event_id = {eventId}", ct)
            // By rowid: the FTS5 table's only indexed lookup.
            : db.Database.ExecuteSqlAsync($"DELETE FROM event_search WHERE rowid = (SELECT stream_ordering FROM events WHERE event_id = {eventId})", ct);
}
