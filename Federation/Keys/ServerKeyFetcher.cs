using System.Text.Json.Nodes;
using Messenger.Federation.Client;
using Messenger.Federation.Protocol.Json;
using Messenger.Federation.Protocol.Signing;
using Microsoft.Extensions.Logging;

namespace Messenger.Federation.Keys;

/// <summary>
/// Fetches a server's keys over the network (server-server API, "Retrieving server keys"): first from the server
/// itself (<c>GET /_matrix/key/v2/server</c>), then, when that fails or lacks a wanted key, from each configured
/// trusted notary (<c>POST /_matrix/key/v2/query</c>), whose answer must carry the notary's own valid signature as
/// well as the server's self-signature. Every response is checked by <see cref="ServerKeysResponse.TryParse"/>.
/// </summary>
public sealed partial class ServerKeyFetcher(IFederationClient client, FederationOptions options, ILogger<ServerKeyFetcher> logger)
{
    private static readonly FederationCallOptions KeyCall = new(MaxRetries: 1, Timeout: TimeSpan.FromSeconds(20), MaxResponseBytes: 1024 * 1024);

    /// <summary>The verified responses found; empty when nobody could answer.</summary>
    public async Task<IReadOnlyList<ServerKeysResponse>> FetchAsync(string serverName, IReadOnlyCollection<string> keyIds,
        long minimumValidUntilTs, CancellationToken ct)
    {
        var direct = await FetchDirectAsync(serverName, ct);
        if (direct is not null && Satisfies(direct, keyIds, minimumValidUntilTs)) return [direct];

        var found = direct is null ? new List<ServerKeysResponse>() : [direct];
        foreach (var notary in options.TrustedKeyServers)
        {
            if (notary.ServerName == serverName) continue;
            var answers = await FetchFromNotaryAsync(notary, serverName, keyIds, minimumValidUntilTs, ct);
            found.AddRange(answers);
            if (answers.Any(a => Satisfies(a, keyIds, minimumValidUntilTs))) break;
        }
        return found;
    }

    /// <summary>The server's own answer, or null when it cannot be reached or its answer does not check.</summary>
    public async Task<ServerKeysResponse?> FetchDirectAsync(string serverName, CancellationToken ct)
    {
        try
        {
            var json = await client.GetJsonAsync(serverName, "/_matrix/key/v2/server", ct, KeyCall);
            if (ServerKeysResponse.TryParse(json, serverName, out var response, out var error)) return response;
            LogRefused(logger, serverName, serverName, error);
        }
        catch (FederationRequestException e)
        {
            LogUnreachable(logger, serverName, serverName, e.Message);
        }
        return null;
    }

    private async Task<IReadOnlyList<ServerKeysResponse>> FetchFromNotaryAsync(TrustedKeyServer notary, string serverName,
        IReadOnlyCollection<string> keyIds, long minimumValidUntilTs, CancellationToken ct)
    {
        var criteria = new JsonObject();
        foreach (var keyId in keyIds) criteria[keyId] = new JsonObject { ["minimum_valid_until_ts"] = minimumValidUntilTs };
        var body = new JsonObject { ["server_keys"] = new JsonObject { [serverName] = criteria } };
        JsonObject answer;
        try
        {
            answer = await client.PostJsonAsync(notary.ServerName, "/_matrix/key/v2/query", body, ct, KeyCall);
        }
        catch (FederationRequestException e)
        {
            LogUnreachable(logger, serverName, notary.ServerName, e.Message);
            return [];
        }

        var notaryKeys = await NotaryKeysAsync(notary, ct);
        var results = new List<ServerKeysResponse>();
        foreach (var entry in (answer["server_keys"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var signed = JsonSignatures.Verify(entry, notary.ServerName,
                (server, keyId) => server == notary.ServerName && notaryKeys.TryGetValue(keyId, out var key) ? new ServerVerifyKey(key) : null,
                numbers: CanonicalNumbers.AllowLargeIntegers);
            if (!signed.IsValid)
            {
                LogRefused(logger, serverName, notary.ServerName, "notary signature: " + signed);
                continue;
            }
            if (ServerKeysResponse.TryParse(entry, serverName, out var response, out var error)) results.Add(response);
            else LogRefused(logger, serverName, notary.ServerName, error);
        }
        return results;
    }

    /// <summary>The notary's keys: configured ones when given, else those it publishes itself.</summary>
    private async Task<IReadOnlyDictionary<string, VerifyKey>> NotaryKeysAsync(TrustedKeyServer notary, CancellationToken ct)
    {
        var configured = new Dictionary<string, VerifyKey>(StringComparer.Ordinal);
        foreach (var (keyId, text) in notary.VerifyKeys)
        {
            if (VerifyKey.TryParse(text, out var key)) configured[keyId] = key;
        }
        if (configured.Count > 0) return configured;
        return (await FetchDirectAsync(notary.ServerName, ct))?.VerifyKeys ?? new Dictionary<string, VerifyKey>();
    }

    private static bool Satisfies(ServerKeysResponse response, IReadOnlyCollection<string> keyIds, long minimumValidUntilTs) =>
        keyIds.All(id => response.VerifyKeys.ContainsKey(id) && response.ValidUntilTs >= minimumValidUntilTs
                         || response.OldVerifyKeys.ContainsKey(id));

    [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "Keys of {ServerName} from {From} unavailable: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string serverName, string from, string reason);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "Keys of {ServerName} from {From} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string serverName, string from, string reason);
}
