using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Messenger.Federation.Client;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.FederationApi;

/// <summary>
/// Look-ups on other servers for the Client-Server API ("Querying for information"): another server's room alias
/// (<c>/query/directory</c>, asked of the alias's own server) and another server's user profile (<c>/query/profile</c>).
/// Answers, "not found" included, are kept for <see cref="CacheFor"/> ("Servers may wish to cache the response"), so a
/// client rendering a member list does not send a request per member per render. Remote errors are wrapped: 404 and
/// no answer are not found (the client APIs list only 404), 403 forbidden, other errors 502 as Synapse answers.
/// </summary>
public sealed class RemoteQueries(IFederationClient client, TimeProvider time)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);
    private const int MaxCached = 10_000;

    private readonly ConcurrentDictionary<string, (JsonObject? Answer, DateTimeOffset Until)> cache = new(StringComparer.Ordinal);

    /// <summary>The room id and resident servers of another server's alias, or null when that server does not know it.</summary>
    public async Task<(string RoomId, List<string> Servers)?> RoomAliasAsync(string alias, CancellationToken ct)
    {
        if (!RoomAlias.TryParse(alias, out var parsed)) return null;
        var server = parsed.ServerName.Value;
        var answer = await CachedAsync("alias " + alias, server, "/_matrix/federation/v1/query/directory?room_alias=" + Uri.EscapeDataString(alias), ct);
        if (answer?["room_id"] is not JsonValue id || !id.TryGetValue(out string? roomId) || !RoomId.TryParse(roomId, out _)) return null;
        var servers = (answer["servers"] as JsonArray ?? []).OfType<JsonValue>()
            .Select(v => v.TryGetValue(out string? s) ? s : null).OfType<string>().Where(s => ServerName.TryParse(s, out _)).ToList();
        if (!servers.Contains(server)) servers.Insert(0, server);
        return (roomId, servers);
    }

    /// <summary>Another server's user's profile (<c>displayname</c>, <c>avatar_url</c>, ...); 404 when that server has none.</summary>
    public async Task<JsonObject> ProfileAsync(UserId user, CancellationToken ct)
    {
        var answer = await CachedAsync("profile " + user, user.ServerName.Value, "/_matrix/federation/v1/query/profile?user_id=" + Uri.EscapeDataString(user.ToString()), ct);
        return answer?.DeepClone().AsObject() ?? throw MatrixError.NotFound("Profile not found");
    }

    private async Task<JsonObject?> CachedAsync(string key, string server, string path, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (cache.TryGetValue(key, out var hit) && hit.Until > now) return hit.Answer;
        JsonObject? answer;
        try
        {
            answer = await client.GetJsonAsync(server, path, ct, FederationCallOptions.NoRetry);
        }
        catch (FederationRequestException e) when (e.Status == 404)
        {
            answer = null;
        }
        catch (FederationRequestException e) when (e.Status == 403)
        {
            throw MatrixError.Forbidden($"{server} does not disclose this");
        }
        catch (FederationRequestException e) when (e.Status is not null)
        {
            throw new MatrixException(MatrixErrorCode.Unknown, $"{server} could not answer ({e.Status})", 502);
        }
        catch (FederationRequestException)
        {
            // No answer at all: the look-ups' only listed failure is 404, and a server that cannot be reached names nothing.
            throw MatrixError.NotFound($"Could not reach {server}");
        }
        if (cache.Count >= MaxCached) cache.Clear();
        cache[key] = (answer, now + CacheFor);
        return answer;
    }
}
