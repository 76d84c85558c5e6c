using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Messenger.Federation.Discovery;
using Messenger.Federation.Keys;
using Messenger.Federation.Policy;
using Messenger.Federation.Protocol.Json;
using Messenger.Federation.XMatrix;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Messenger.Federation.Client;

/// <summary>
/// <see cref="IFederationClient"/> over HTTPS: discovery (<see cref="ServerResolver"/>) picks the endpoints and the
/// Host header, <see cref="FederationConnector"/> connects, each attempt is signed afresh with X-Matrix (origin,
/// destination, method, uri, content) and bounded by a timeout, and Polly retries transient failures with
/// exponential back-off and jitter, waiting a 429's <c>retry_after_ms</c> instead when the remote gives one.
/// </summary>
public sealed partial class FederationHttpClient : IFederationClient, IDisposable
{
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(1);

    private readonly HttpClient http;
    private readonly ServerResolver resolver;
    private readonly FederationDomainPolicy policy;
    private readonly LocalServerKeys keys;
    private readonly FederationOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<FederationHttpClient> logger;

    public FederationHttpClient(FederationConnector connector, ServerResolver resolver, FederationDomainPolicy policy, LocalServerKeys keys,
        FederationOptions options, TimeProvider time, ILogger<FederationHttpClient> logger)
    {
        http = new HttpClient(connector.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan };
        this.resolver = resolver;
        this.policy = policy;
        this.keys = keys;
        this.options = options;
        this.time = time;
        this.logger = logger;
    }

    public Task<JsonObject> GetJsonAsync(string destination, string pathAndQuery, CancellationToken ct, FederationCallOptions? options = null) =>
        SendJsonAsync(destination, HttpMethod.Get, pathAndQuery, null, options ?? FederationCallOptions.Default, ct);

    public Task<JsonObject> PutJsonAsync(string destination, string pathAndQuery, JsonObject body, CancellationToken ct, FederationCallOptions? options = null) =>
        SendJsonAsync(destination, HttpMethod.Put, pathAndQuery, body, options ?? FederationCallOptions.Default, ct);

    public Task<JsonObject> PostJsonAsync(string destination, string pathAndQuery, JsonObject body, CancellationToken ct, FederationCallOptions? options = null) =>
        SendJsonAsync(destination, HttpMethod.Post, pathAndQuery, body, options ?? FederationCallOptions.Default, ct);

    public async Task<HttpResponseMessage> SendRawAsync(string destination, HttpMethod method, string pathAndQuery, JsonObject? body, CancellationToken ct)
    {
        using var request = await BuildRequestAsync(destination, method, pathAndQuery, body, ct);
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !ct.IsCancellationRequested)
        {
            throw new FederationRequestException(destination, null, null, $"{destination} unreachable: {e.Message}", inner: e);
        }
    }

    private async Task<JsonObject> SendJsonAsync(string destination, HttpMethod method, string pathAndQuery, JsonObject? body,
        FederationCallOptions call, CancellationToken ct)
    {
        if (call.MaxRetries <= 0) return await AttemptAsync(destination, method, pathAndQuery, body, call, ct);
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = call.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromSeconds(1),
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is FederationRequestException { IsTransient: true } f
                    && (f.RetryAfter is null || f.RetryAfter <= MaxRetryAfter)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is FederationRequestException { RetryAfter: { } after }
                    ? (TimeSpan?)after : null),
            })
            .Build();
        return await pipeline.ExecuteAsync(async token => await AttemptAsync(destination, method, pathAndQuery, body, call, token), ct);
    }

    private async Task<JsonObject> AttemptAsync(string destination, HttpMethod method, string pathAndQuery, JsonObject? body,
        FederationCallOptions call, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(call.Timeout ?? options.RequestTimeout);
        using var request = await BuildRequestAsync(destination, method, pathAndQuery, body, timeout.Token);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var bytes = await ReadLimitedAsync(response.Content, call.MaxResponseBytes, timeout.Token)
                ?? throw new FederationRequestException(destination, (int)response.StatusCode, null, $"{destination}: response over {call.MaxResponseBytes} bytes");
            var parsed = StrictJson.ParseObject(bytes, strictNumbers: false);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                return parsed.Object ?? throw new FederationRequestException(destination, status, null, $"{destination}: response is not a JSON object");
            }
            var errcode = parsed.Object?["errcode"] is JsonValue c && c.TryGetValue<string>(out var code) ? code : null;
            var error = parsed.Object?["error"] is JsonValue m && m.TryGetValue<string>(out var message) ? message : null;
            TimeSpan? retryAfter = parsed.Object?["retry_after_ms"] is JsonValue r && r.TryGetValue<long>(out var ms) ? TimeSpan.FromMilliseconds(ms) : null;
            LogFailed(logger, method.Method, destination, pathAndQuery, status, errcode ?? "-");
            throw new FederationRequestException(destination, status, errcode, $"{destination} answered {status} {errcode}: {error}", retryAfter);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            LogUnreachable(logger, method.Method, destination, pathAndQuery, e.Message);
            throw new FederationRequestException(destination, null, null, $"{destination} unreachable: {e.Message}", inner: e);
        }
    }

    private async Task<HttpRequestMessage> BuildRequestAsync(string destination, HttpMethod method, string pathAndQuery, JsonObject? body, CancellationToken ct)
    {
        if (!pathAndQuery.StartsWith("/_matrix/", StringComparison.Ordinal)) throw new ArgumentException("federation paths start with /_matrix/", nameof(pathAndQuery));
        if (destination == options.ServerName) throw new FederationRequestException(destination, null, null, "refusing to send a federation request to ourselves");
        if (!policy.IsAllowed(destination)) throw new FederationRequestException(destination, 403, "M_FORBIDDEN", $"{destination} is not allowed to federate with us");

        ResolvedServer resolved;
        try
        {
            resolved = await resolver.ResolveAsync(destination, ct);
        }
        catch (ArgumentException e)
        {
            throw new FederationRequestException(destination, null, null, e.Message);
        }

        // Sign the target exactly as it goes on the wire (Uri may normalise escapes), which the receiver checks.
        var uri = new Uri("https://" + resolved.HostHeader + pathAndQuery);
        var header = XMatrixSigning.Sign(method.Method, uri.PathAndQuery, options.ServerName, destination, body, keys.SigningKey)
            ?? throw new ArgumentException("the request body has no canonical JSON form", nameof(body));
        var request = new HttpRequestMessage(method, uri) { Version = new Version(1, 1) };
        request.Headers.Host = resolved.HostHeader;
        request.Headers.TryAddWithoutValidation("Authorization", header.ToString());
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Options.Set(FederationConnector.TargetsOption, resolved.Targets);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body.ToJsonString()));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        return request;
    }

    private static async Task<byte[]?> ReadLimitedAsync(HttpContent content, long maxBytes, CancellationToken ct)
    {
        if (content.Headers.ContentLength > maxBytes) return null;
        await using var stream = await content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    public void Dispose() => http.Dispose();

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Federation {Method} {Destination}{Path} failed: {Status} {Errcode}")]
    private static partial void LogFailed(ILogger logger, string method, string destination, string path, int status, string errcode);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Federation {Method} {Destination}{Path} unreachable: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string method, string destination, string path, string reason);
}
