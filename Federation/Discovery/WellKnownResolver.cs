using System.Collections.Concurrent;
using Messenger.Federation.Client;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Federation.Protocol.Json;

namespace Messenger.Federation.Discovery;

/// <summary>
/// Fetches and caches <c>https://hostname/.well-known/matrix/server</c> (step 3 of "Resolving server names"):
/// redirects followed up to five times (so loops end), any content type parsed as JSON, <c>m.server</c> checked
/// against the server-name grammar, answers and failures cached per <see cref="WellKnownCachePolicy"/>. When a
/// host that had a valid delegation stops answering, the old delegation is kept while the failure is cached, so a
/// web server outage does not re-route federation.
/// </summary>
public sealed class WellKnownResolver : IWellKnownResolver, IDisposable
{
    private const int MaxBytes = 64 * 1024;

    private readonly HttpClient http;
    private readonly TimeProvider time;
    private readonly ConcurrentDictionary<string, Entry> cache = new(StringComparer.Ordinal);

    public WellKnownResolver(FederationConnector connector, TimeProvider time)
    {
        this.time = time;
        http = new HttpClient(connector.CreateHandler(followRedirects: true)) { Timeout = TimeSpan.FromSeconds(10) };
    }

    private sealed record Entry(string? Delegated, DateTimeOffset Expires, int Failures);

    public async Task<string?> GetDelegatedServerAsync(string hostname, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (cache.TryGetValue(hostname, out var cached) && cached.Expires > now) return cached.Delegated;

        var (delegated, reached, lifetime) = await FetchAsync(hostname, now, ct);
        Entry entry;
        if (delegated is not null)
        {
            entry = new Entry(delegated, now + lifetime, 0);
        }
        else
        {
            var failures = (cached?.Failures ?? 0) + 1;
            var keep = !reached ? cached?.Delegated : null;
            entry = new Entry(keep, now + WellKnownCachePolicy.ForFailure(reached, failures), failures);
        }
        cache[hostname] = entry;
        return entry.Delegated;
    }

    private async Task<(string? Delegated, bool Reached, TimeSpan Lifetime)> FetchAsync(string hostname, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"https://{hostname}/.well-known/matrix/server");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if ((int)response.StatusCode != 200) return (null, true, TimeSpan.Zero);
            var body = await ReadLimitedAsync(response.Content, ct);
            var value = body is null ? null : StrictJson.ParseObject(body, strictNumbers: false).Object?["m.server"];
            if (value is not System.Text.Json.Nodes.JsonValue v || !v.TryGetValue<string>(out var server) || !ServerName.IsValid(server))
                return (null, true, TimeSpan.Zero);
            return (server, true, WellKnownCachePolicy.ForAnswer(response.Headers.CacheControl, response.Content.Headers.Expires, now));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !ct.IsCancellationRequested)
        {
            return (null, false, TimeSpan.Zero);
        }
    }

    private static async Task<byte[]?> ReadLimitedAsync(HttpContent content, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    public void Dispose() => http.Dispose();
}
