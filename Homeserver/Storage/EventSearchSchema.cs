namespace Messenger.Homeserver.Storage;

/// <summary>
/// The full-text index of message bodies, room names and topics (<c>POST /search</c>), outside the EF model because
/// neither form maps to an entity: on SQLite an FTS5 virtual table (rowid = the event's stream position; the
/// <c>porter unicode61</c> tokenizer folds case in every script and stems English), on PostgreSQL a table with a
/// stored <c>tsvector</c> of Russian and English stemming under a GIN index (its text is stored case-folded). The migration that creates them runs
/// these statements, which also index the events already stored.
/// </summary>
public static class EventSearchSchema
{
    public const string SqliteUp = """
        CREATE VIRTUAL TABLE event_search USING fts5(
            value, event_id UNINDEXED, room_id UNINDEXED, key UNINDEXED, sender UNINDEXED, tokenize = 'porter unicode61');
        INSERT INTO event_search (rowid, value, event_id, room_id, key, sender)
            SELECT stream_ordering, json_extract(json, '$.content.body'), event_id, room_id, 'content.body', sender FROM events
            WHERE type = 'm.room.message' AND redacted_by IS NULL AND json_type(json, '$.content.body') = 'text';
        INSERT INTO event_search (rowid, value, event_id, room_id, key, sender)
            SELECT stream_ordering, json_extract(json, '$.content.name'), event_id, room_id, 'content.name', sender FROM events
            WHERE type = 'm.room.name' AND state_key = '' AND redacted_by IS NULL AND json_type(json, '$.content.name') = 'text';
        INSERT INTO event_search (rowid, value, event_id, room_id, key, sender)
            SELECT stream_ordering, json_extract(json, '$.content.topic'), event_id, room_id, 'content.topic', sender FROM events
            WHERE type = 'm.room.topic' AND state_key = '' AND redacted_by IS NULL AND json_type(json, '$.content.topic') = 'text';
        """;

    public const string SqliteDown = "DROP TABLE IF EXISTS event_search;";

    public const string PostgresUp = """
        CREATE TABLE event_search (
            event_id text PRIMARY KEY,
            room_id text NOT NULL,
            key text NOT NULL,
            sender text NOT NULL,
            stream_ordering bigint NOT NULL,
            value text NOT NULL,
            vector tsvector GENERATED ALWAYS AS (to_tsvector('russian', value) || to_tsvector('english', value)) STORED);
        CREATE INDEX event_search_vector ON event_search USING gin (vector);
        CREATE INDEX event_search_room ON event_search (room_id, stream_ordering);
        INSERT INTO event_search (event_id, room_id, key, sender, stream_ordering, value)
            SELECT event_id, room_id, k.key, sender, stream_ordering, lower((json::jsonb -> 'content') ->> k.field) FROM events
            JOIN (VALUES ('m.room.message', 'content.body', 'body'), ('m.room.name', 'content.name', 'name'),
                         ('m.room.topic', 'content.topic', 'topic')) AS k(type, key, field) ON events.type = k.type
            WHERE redacted_by IS NULL AND (k.type = 'm.room.message' OR state_key = '')
              AND jsonb_typeof((json::jsonb -> 'content') -> k.field) = 'string';
        """;

    public const string PostgresDown = "DROP TABLE IF EXISTS event_search;";
}
