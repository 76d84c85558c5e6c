using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Json;
using Messenger.Federation.Protocol.Keys;
using Messenger.Federation.Protocol.Signing;

namespace Messenger.Federation.Keys;

/// <summary>
/// Answers notary key queries ("Querying Keys Through Another Server"): the queried server's own signed key
/// responses, from the cache when they are valid until at least <c>minimum_valid_until_ts</c> (the current time
/// when not given), otherwise fetched first; when the server cannot be reached the last cached responses are
/// served anyway so that old events can still be checked. Each response gets our signature added.
/// </summary>
public sealed class KeyNotary(ServerKeyResolver resolver, ServerKeyFetcher fetcher, LocalServerKeys local, TimeProvider time)
{
    public async Task<IReadOnlyList<JsonObject>> QueryAsync(string serverName, IReadOnlyCollection<string> keyIds, long? minimumValidUntilTs,
        CancellationToken ct)
    {
        if (serverName == local.ServerName) return [local.BuildResponse()];

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var minimum = minimumValidUntilTs ?? now;
        var known = await resolver.KnownAsync(serverName, ct);
        var fresh = known.Where(k => k.ExpiredTs is null && k.ValidUntilTs >= minimum && (keyIds.Count == 0 || keyIds.Contains(k.KeyId)));
        if (!fresh.Any())
        {
            var responses = await fetcher.FetchAsync(serverName, keyIds, minimum, ct);
            if (responses.Count > 0) known = await resolver.StoreAsync(serverName, known, responses, now, ct);
        }

        var answers = new List<JsonObject>();
        foreach (var text in known.Where(k => keyIds.Count == 0 || keyIds.Contains(k.KeyId) || k.ExpiredTs is null)
                     .OrderByDescending(k => k.ValidUntilTs).Select(k => k.ResponseJson).Distinct(StringComparer.Ordinal))
        {
            if (StrictJson.ParseObject(System.Text.Encoding.UTF8.GetBytes(text), strictNumbers: false).Object is not { } json) continue;
            JsonSignatures.Sign(json, local.ServerName, local.SigningKey, CanonicalNumbers.AllowLargeIntegers);
            answers.Add(json);
        }
        return answers;
    }
}
