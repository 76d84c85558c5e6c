using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Messenger.Homeserver.Tests.Push;

/// <summary>
/// A real push gateway on Kestrel (127.0.0.1, free port) that records every <c>/_matrix/push/v1/notify</c> body.
/// It can answer 500 to its first requests and reject pushkeys, to test retries and rejection.
/// </summary>
public sealed class FakePushGateway : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Channel<JsonObject> received = Channel.CreateUnbounded<JsonObject>();
    private int failuresLeft;
    private int attempts;

    private FakePushGateway(WebApplication app) => this.app = app;

    public string NotifyUrl { get; private set; } = "";
    public int Attempts => Volatile.Read(ref attempts);
    public List<string> Rejected { get; } = [];

    public static async Task<FakePushGateway> StartAsync(int failFirst = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var gateway = new FakePushGateway(app) { failuresLeft = failFirst };
        app.MapPost("/_matrix/push/v1/notify", async (HttpContext http) =>
        {
            Interlocked.Increment(ref gateway.attempts);
            var body = (JsonObject)(await JsonNode.ParseAsync(http.Request.Body))!;
            if (Interlocked.Decrement(ref gateway.failuresLeft) >= 0) return Results.StatusCode(500);
            gateway.received.Writer.TryWrite(body);
            return Results.Json(new JsonObject { ["rejected"] = new JsonArray(gateway.Rejected.Select(k => (JsonNode)k!).ToArray()) });
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        gateway.NotifyUrl = address.TrimEnd('/') + "/_matrix/push/v1/notify";
        return gateway;
    }

    /// <summary>The next notification received, waiting up to <paramref name="timeout"/>; null if none came.</summary>
    public async Task<JsonObject?> NextAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await received.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
