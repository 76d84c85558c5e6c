using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Keys;

/// <summary>
/// <c>/room_keys/keys[/{roomId}[/{sessionId}]]</c> ("Server-side key backups"). Keys are written only to the current
/// version (another existing version: 403 <c>M_WRONG_ROOM_KEYS_VERSION</c> with <c>current_version</c>; no backup:
/// <c>M_NOT_FOUND</c>). A key for a session already backed up replaces it only when better: verified over unverified,
/// then the lower <c>first_message_index</c>, then the lower <c>forwarded_count</c>. Every change of a version's keys
/// changes its <c>etag</c>.
/// </summary>
public sealed class RoomKeysService(KeyBackupStore store, KeyBackupService versions, DatabaseWriteGate writeGate)
{
    public async Task<JsonObject> PutAsync(Requester requester, string? version, string? roomId, string? sessionId, JsonObject body, CancellationToken ct)
    {
        if (version is null) throw MatrixError.MissingParam("version");
        var uploads = ReadUploads(roomId, sessionId, body);
        using (await writeGate.EnterAsync(ct))
        {
            JsonObject? result = null;
            await store.InTransactionAsync(async () =>
            {
                var current = await store.CurrentAsync(requester.UserId, ct) ?? throw MatrixError.NotFound("Unknown backup version");
                if (KeyBackupService.Text(current.Version) != version) throw KeyErrors.WrongRoomKeysVersion(current.Version);
                var existing = (await store.SessionsOfRoomsAsync(requester.UserId, current.Version, uploads.Select(u => u.RoomId).Distinct().ToList(), ct))
                    .ToDictionary(s => (s.RoomId, s.SessionId));
                var changed = false;
                foreach (var upload in uploads)
                {
                    if (existing.TryGetValue((upload.RoomId, upload.SessionId), out var row))
                    {
                        if (!IsBetter(upload, row)) continue;
                        (row.FirstMessageIndex, row.ForwardedCount, row.IsVerified, row.SessionDataJson) =
                            (upload.FirstMessageIndex, upload.ForwardedCount, upload.IsVerified, upload.SessionDataJson);
                    }
                    else
                    {
                        upload.UserId = requester.UserId;
                        upload.Version = current.Version;
                        store.AddSession(upload);
                        existing[(upload.RoomId, upload.SessionId)] = upload;
                    }
                    changed = true;
                }
                if (changed) current.Etag++;
                await store.SaveAsync(ct);
                result = await UpdateResponseAsync(requester, current, ct);
            }, ct);
            return result!;
        }
    }

    public async Task<JsonObject> GetAsync(Requester requester, string? version, string? roomId, string? sessionId, CancellationToken ct)
    {
        var row = await versions.FindAsync(requester, version, ct);
        var sessions = await store.SessionsAsync(requester.UserId, row.Version, roomId, sessionId, ct);
        if (sessionId is not null) return sessions.Count == 0 ? throw MatrixError.NotFound("No backed-up key for this session") : ToJson(sessions[0]);
        if (roomId is not null) return new JsonObject { ["sessions"] = SessionsJson(sessions) };
        var rooms = new JsonObject();
        foreach (var room in sessions.GroupBy(s => s.RoomId)) rooms[room.Key] = new JsonObject { ["sessions"] = SessionsJson(room) };
        return new JsonObject { ["rooms"] = rooms };
    }

    public async Task<JsonObject> DeleteAsync(Requester requester, string? version, string? roomId, string? sessionId, CancellationToken ct)
    {
        if (version is null) throw MatrixError.MissingParam("version");
        var row = await versions.FindAsync(requester, version, ct);
        var deleted = await store.DeleteSessionsAsync(requester.UserId, row.Version, roomId, sessionId, ct);
        if (deleted > 0)
        {
            row.Etag++;
            await store.SaveAsync(ct);
        }
        return await UpdateResponseAsync(requester, row, ct);
    }

    /// <summary>The spec's replacement rule: is_verified first, then the lower first_message_index, then the lower forwarded_count.</summary>
    public static bool IsBetter(KeyBackupSessionRow candidate, KeyBackupSessionRow stored)
    {
        if (candidate.IsVerified != stored.IsVerified) return candidate.IsVerified;
        if (candidate.FirstMessageIndex != stored.FirstMessageIndex) return candidate.FirstMessageIndex < stored.FirstMessageIndex;
        return candidate.ForwardedCount < stored.ForwardedCount;
    }

    private async Task<JsonObject> UpdateResponseAsync(Requester requester, KeyBackupVersionRow row, CancellationToken ct) => new()
    {
        ["etag"] = KeyBackupService.Text(row.Etag),
        ["count"] = await store.CountAsync(requester.UserId, row.Version, ct),
    };

    private static JsonObject SessionsJson(IEnumerable<KeyBackupSessionRow> sessions)
    {
        var json = new JsonObject();
        foreach (var session in sessions) json[session.SessionId] = ToJson(session);
        return json;
    }

    private static JsonObject ToJson(KeyBackupSessionRow row) => new()
    {
        ["first_message_index"] = row.FirstMessageIndex,
        ["forwarded_count"] = row.ForwardedCount,
        ["is_verified"] = row.IsVerified,
        ["session_data"] = JsonNode.Parse(row.SessionDataJson),
    };

    private static List<KeyBackupSessionRow> ReadUploads(string? roomId, string? sessionId, JsonObject body)
    {
        var uploads = new List<KeyBackupSessionRow>();
        if (roomId is not null && sessionId is not null)
        {
            uploads.Add(ReadSession(roomId, sessionId, body));
        }
        else if (roomId is not null)
        {
            ReadRoom(roomId, body, uploads);
        }
        else
        {
            if (body["rooms"] is not JsonObject rooms) throw body["rooms"] is null ? MatrixError.MissingParam("rooms") : MatrixError.BadJson("rooms must be an object");
            foreach (var (room, value) in rooms) ReadRoom(room, value as JsonObject ?? throw MatrixError.BadJson($"rooms.{room} must be an object"), uploads);
        }
        return uploads;
    }

    private static void ReadRoom(string roomId, JsonObject room, List<KeyBackupSessionRow> into)
    {
        if (room["sessions"] is not JsonObject sessions) throw room["sessions"] is null ? MatrixError.MissingParam("sessions") : MatrixError.BadJson("sessions must be an object");
        foreach (var (session, value) in sessions) into.Add(ReadSession(roomId, session, value as JsonObject ?? throw MatrixError.BadJson($"sessions.{session} must be an object")));
    }

    /// <summary>A <c>KeyBackupData</c> object: both counters non-negative integers, <c>is_verified</c> a boolean, <c>session_data</c> an object.</summary>
    private static KeyBackupSessionRow ReadSession(string roomId, string sessionId, JsonObject data)
    {
        static long Count(JsonObject data, string name) => data[name] is JsonValue v && v.TryGetValue(out long n) && n >= 0
            ? n : throw MatrixError.BadJson($"{name} must be a non-negative integer");
        var isVerified = data["is_verified"] is JsonValue b && b.TryGetValue(out bool verified) ? verified : throw MatrixError.BadJson("is_verified must be a boolean");
        if (data["session_data"] is not JsonObject sessionData) throw MatrixError.BadJson("session_data must be an object");
        var json = sessionData.ToJsonString(StoredJson.Options);
        if (System.Text.Encoding.UTF8.GetByteCount(json) > KeyBackupService.MaxDataBytes) throw MatrixError.TooLarge("session_data is too large");
        return new KeyBackupSessionRow
        {
            UserId = "", RoomId = roomId, SessionId = sessionId, FirstMessageIndex = Count(data, "first_message_index"),
            ForwardedCount = Count(data, "forwarded_count"), IsVerified = isVerified, SessionDataJson = json,
        };
    }
}
