using Messenger.Federation.Protocol.Events;
using Microsoft.EntityFrameworkCore;

using Npgsql;

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

    /// <summary>An index row: the event's searchable text under its key.</summary>
    public sealed record Entry(string EventId, string RoomId, string Key, string Sender, long Position, string Value);

    /// <summary>The index row of an event, if it has searchable text.</summary>
    public static Entry? EntryOf(HomeserverDbContext db, Pdu pdu, string roomId, long position)
    {
        if (KeyOf(pdu.Type, pdu.StateKey) is not var (key, field)) return null;
        if (pdu.Content[field] is not System.Text.Json.Nodes.JsonValue v || !v.TryGetValue(out string? text) || text.Length == 0) return null;
        // PostgreSQL text cannot hold NUL; a body with one must not fail the whole batch.
        text = text.Replace("\0", "", StringComparison.Ordinal);
        // Folded here on PostgreSQL: the stemmers expect lower case, and lower() of a database in the C locale folds ASCII only.
        if (db is PostgresHomeserverDbContext) text = text.ToLowerInvariant();
        return new Entry(pdu.EventId, roomId, key, pdu.Sender, position, text);
    }

    /// <summary>SQLite: writes index rows one prepared statement each (PostgreSQL batches them: <see cref="AddInserts"/>).</summary>
    public static async Task InsertAsync(HomeserverDbContext db, IReadOnlyList<Entry> entries, CancellationToken ct)
    {
        foreach (var e in entries)
        {
            await DirectCommand.ExecuteAsync(db, "INSERT INTO event_search (rowid, value, event_id, room_id, key, sender) VALUES (@p0, @p1, @p2, @p3, @p4, @p5)", ct,
                e.Position, e.Value, e.EventId, e.RoomId, e.Key, e.Sender);
        }
    }

    /// <summary>PostgreSQL: adds the index rows to the persister's batch, one statement for all of them.</summary>
    public static void AddInserts(NpgsqlBatch batch, IReadOnlyList<Entry> entries)
    {
        if (entries.Count == 0) return;
        var command = new NpgsqlBatchCommand(
            "INSERT INTO event_search (event_id, room_id, key, sender, stream_ordering, value) "
            + "SELECT * FROM unnest($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id) DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter { Value = entries.Select(e => e.EventId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = entries.Select(e => e.RoomId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = entries.Select(e => e.Key).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = entries.Select(e => e.Sender).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = entries.Select(e => e.Position).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = entries.Select(e => e.Value).ToArray() });
        batch.BatchCommands.Add(command);
    }

    /// <summary>Drops a redacted event's text from the index.</summary>
    public static Task RemoveAsync(HomeserverDbContext db, string eventId, CancellationToken ct) =>
        db is PostgresHomeserverDbContext
            ? db.Database.ExecuteSqlAsync($"DELETE FROM event_search WHERE event_id = {eventId}", ct)
            // By rowid: the FTS5 table's only indexed lookup.
            : db.Database.ExecuteSqlAsync($"DELETE FROM event_search WHERE rowid = (SELECT stream_ordering FROM events WHERE event_id = {eventId})", ct);
}
