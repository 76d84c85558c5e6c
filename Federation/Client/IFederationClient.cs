using System.Text.Json.Nodes;

namespace Messenger.Federation.Client;

/// <summary>
/// Requests to other homeservers: the destination is found by server discovery, every request is signed with
/// X-Matrix, connections never reach internal addresses unless allowed, TLS is verified unless turned off, and
/// transient failures are retried with back-off (429 after its <c>retry_after_ms</c>).
/// A non-2xx answer or a network failure after the retries throws <see cref="FederationRequestException"/>.
/// </summary>
public interface IFederationClient
{
    /// <summary>GET <paramref name="pathAndQuery"/> (starting with <c>/_matrix/</c>, query already escaped) and read a JSON object.</summary>
    Task<JsonObject> GetJsonAsync(string destination, string pathAndQuery, CancellationToken ct, FederationCallOptions? options = null);

    Task<JsonObject> PutJsonAsync(string destination, string pathAndQuery, JsonObject body, CancellationToken ct, FederationCallOptions? options = null);

    Task<JsonObject> PostJsonAsync(string destination, string pathAndQuery, JsonObject body, CancellationToken ct, FederationCallOptions? options = null);

    /// <summary>
    /// The raw response of one signed request (any status, body unread) for answers that are not JSON objects
    /// (media downloads). No retries; the caller disposes the response.
    /// </summary>
    Task<HttpResponseMessage> SendRawAsync(string destination, HttpMethod method, string pathAndQuery, JsonObject? body, CancellationToken ct);
}

/// <summary>
/// Per-call choices. <paramref name="MaxRetries"/>: extra attempts after a transient failure (the transaction sender
/// keeps its own schedule and passes 0). <paramref name="Timeout"/>: per attempt; null uses the configured default.
/// <paramref name="MaxResponseBytes"/>: larger answers fail (a hostile server cannot exhaust memory).
/// </summary>
public sealed record FederationCallOptions(int MaxRetries = 2, TimeSpan? Timeout = null, long MaxResponseBytes = 64 * 1024 * 1024)
{
    public static readonly FederationCallOptions Default = new();
    public static readonly FederationCallOptions NoRetry = new(MaxRetries: 0);
}
