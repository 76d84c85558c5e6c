using System.Globalization;
using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Keys;

/// <summary>
/// Backup versions of <c>/room_keys/version</c> ("Server-side key backups"): create (a new, higher version, which becomes
/// the current one), read the current or a given version with its key <c>count</c> and <c>etag</c>, replace its
/// <c>auth_data</c> (the algorithm cannot change), delete it with its keys. Unknown or deleted versions are
/// <c>M_NOT_FOUND</c>. The keys themselves are <see cref="RoomKeysService"/>.
/// </summary>
public sealed class KeyBackupService(KeyBackupStore store, DatabaseWriteGate writeGate)
{
    /// <summary>Largest <c>auth_data</c> or <c>session_data</c> kept, bytes of JSON.</summary>
    public const int MaxDataBytes = 65_536;

    public async Task<JsonObject> CreateAsync(Requester requester, JsonObject body, CancellationToken ct)
    {
        var (algorithm, authData) = ReadVersionBody(body);
        long version = 0;
        using (await writeGate.EnterAsync(ct))
        {
            await store.InTransactionAsync(async () =>
            {
                version = await store.NextVersionAsync(requester.UserId, ct);
                store.AddVersion(new KeyBackupVersionRow { UserId = requester.UserId, Version = version, Algorithm = algorithm, AuthDataJson = authData });
                await store.SaveAsync(ct);
            }, ct);
        }
        return new JsonObject { ["version"] = Text(version) };
    }

    public async Task<JsonObject> GetAsync(Requester requester, string? version, CancellationToken ct)
    {
        var row = await FindAsync(requester, version, ct);
        return new JsonObject
        {
            ["algorithm"] = row.Algorithm,
            ["auth_data"] = JsonNode.Parse(row.AuthDataJson),
            ["count"] = await store.CountAsync(requester.UserId, row.Version, ct),
            ["etag"] = Text(row.Etag),
            ["version"] = Text(row.Version),
        };
    }

    public async Task UpdateAsync(Requester requester, string version, JsonObject body, CancellationToken ct)
    {
        var (algorithm, authData) = ReadVersionBody(body);
        var row = await FindAsync(requester, version, ct);
        if (body["version"] is { } given && (given is not JsonValue v || !v.TryGetValue(out string? text) || text != version))
            throw MatrixError.InvalidParam("version in the body does not match the version in the path");
        if (algorithm != row.Algorithm) throw MatrixError.InvalidParam("Algorithm does not match");
        row.AuthDataJson = authData;
        await store.SaveAsync(ct);
    }

    public async Task DeleteAsync(Requester requester, string version, CancellationToken ct)
    {
        var row = await FindAsync(requester, version, ct);
        await store.InTransactionAsync(async () =>
        {
            await store.DeleteSessionsAsync(requester.UserId, row.Version, null, null, ct);
            row.Deleted = true;
            await store.SaveAsync(ct);
        }, ct);
    }

    /// <summary>The current version (when <paramref name="version"/> is null) or the given one; missing is <c>M_NOT_FOUND</c>.</summary>
    public async Task<KeyBackupVersionRow> FindAsync(Requester requester, string? version, CancellationToken ct)
    {
        KeyBackupVersionRow? row;
        if (version is null) row = await store.CurrentAsync(requester.UserId, ct);
        else row = long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? await store.FindAsync(requester.UserId, number, ct) : null;
        return row ?? throw MatrixError.NotFound(version is null ? "No current backup version" : "Unknown backup version");
    }

    public static string Text(long number) => number.ToString(CultureInfo.InvariantCulture);

    private static (string Algorithm, string AuthData) ReadVersionBody(JsonObject body)
    {
        var algorithm = body["algorithm"] switch
        {
            null => throw MatrixError.MissingParam("algorithm"),
            JsonValue v when v.TryGetValue(out string? s) && s.Length > 0 => s,
            _ => throw MatrixError.BadJson("algorithm must be a string"),
        };
        var authData = body["auth_data"] switch
        {
            null => throw MatrixError.MissingParam("auth_data"),
            JsonObject o => o.ToJsonString(StoredJson.Options),
            _ => throw MatrixError.BadJson("auth_data must be an object"),
        };
        if (System.Text.Encoding.UTF8.GetByteCount(authData) > MaxDataBytes) throw MatrixError.TooLarge("auth_data is too large");
        return (algorithm, authData);
    }
}
