using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Polly;
using Polly.Retry;

namespace Messenger.Homeserver.Push;

/// <summary>
/// Sends one notification to a push gateway (Push Gateway API, <c>POST /_matrix/push/v1/notify</c>) with retries and
/// exponential back-off for what may pass (network errors, timeouts, 5xx, 429). A 2xx is delivered (with the pushkeys
/// the gateway rejected); another 4xx will not get better by retrying. Delays run on the server's clock.
/// </summary>
public sealed class PushGatewayClient
{
    /// <summary>The HTTP client name (the handler comes from the client factory).</summary>
    public const string HttpClientName = "push-gateway";

    private readonly IHttpClientFactory clients;
    private readonly ResiliencePipeline<GatewayResult> pipeline;

    public PushGatewayClient(IHttpClientFactory clients, TimeProvider time)
    {
        this.clients = clients;
        pipeline = new ResiliencePipelineBuilder<GatewayResult> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<GatewayResult>
            {
                MaxRetryAttempts = 4,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromSeconds(1),
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is HttpRequestException or TaskCanceledException
                    || args.Outcome.Result is { Outcome: GatewayOutcome.Transient }),
            })
            .Build();
    }

    public async Task<GatewayResult> SendAsync(Uri url, JsonObject notification, CancellationToken ct)
    {
        try
        {
            return await pipeline.ExecuteAsync(async token => await SendOnceAsync(url, notification, token), ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return new GatewayResult(GatewayOutcome.Transient, []);
        }
    }

    private async Task<GatewayResult> SendOnceAsync(Uri url, JsonObject notification, CancellationToken ct)
    {
        using var response = await clients.CreateClient(HttpClientName).PostAsJsonAsync(url, notification, ct);
        if (response.IsSuccessStatusCode)
        {
            var rejected = new List<string>();
            try
            {
                if (await response.Content.ReadFromJsonAsync<JsonObject>(ct) is { } body && body["rejected"] is JsonArray keys)
                    rejected.AddRange(keys.OfType<JsonValue>().Select(k => k.TryGetValue(out string? s) ? s : null).OfType<string>());
            }
            catch (System.Text.Json.JsonException)
            {
                // A gateway that answers 2xx without JSON still took the notification.
            }
            return new GatewayResult(GatewayOutcome.Delivered, rejected);
        }
        var transient = (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests;
        return new GatewayResult(transient ? GatewayOutcome.Transient : GatewayOutcome.Refused, []);
    }
}

/// <summary>How a gateway took a notification.</summary>
public enum GatewayOutcome
{
    Delivered,

    /// <summary>Still failing after the retries; worth trying again later.</summary>
    Transient,

    /// <summary>A 4xx: the gateway will never take this notification.</summary>
    Refused,
}

/// <summary>The outcome and the pushkeys the gateway rejected.</summary>
public sealed record GatewayResult(GatewayOutcome Outcome, IReadOnlyList<string> Rejected);
