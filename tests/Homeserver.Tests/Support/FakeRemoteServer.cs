using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Keys;
using Messenger.Federation.Protocol.Signing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Messenger.Homeserver.Tests.Support;

/// <summary>
/// A scripted remote homeserver on 127.0.0.1 over HTTPS: it publishes a signing key and records the transactions
/// it is sent, answering each with the status <see cref="Answer"/> gives (e.g. 503 while "down"). Found through
/// <see cref="TestDns"/> like a real server.
/// </summary>
public sealed class FakeRemoteServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private int attempts;

    private FakeRemoteServer(string serverName, WebApplication app)
    {
        ServerName = serverName;
        this.app = app;
    }

    public string ServerName { get; }
    public ServerSigningKey Key { get; } = ServerSigningKey.Generate();

    /// <summary>Every transaction received (whatever was answered), in arrival order: txn id, body, origin header.</summary>
    public ConcurrentQueue<(string TxnId, JsonObject Body, string? Authorization)> Transactions { get; } = new();

    /// <summary>The status for the n-th transaction attempt (1-based); 200 by default.</summary>
    public Func<int, int> Answer { get; set; } = _ => 200;

    /// <summary>Completes when a transaction with a PDU or EDU matching arrives (and was answered 200).</summary>
    public async Task<JsonObject> WaitForAsync(Func<JsonObject, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var (_, body, _) in Transactions)
            {
                if (body["answered"]?.GetValue<int>() == 200 && match(body)) return body;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("no matching transaction arrived");
    }

    /// <param name="routes">More scripted routes (e.g. media answers) mapped beside the key and transaction ones.</param>
    public static async Task<FakeRemoteServer> StartAsync(string serverName, TestDns dns, Action<WebApplication>? routes = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + serverName, key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var pfx = X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.UseHttps(pfx)));
        var app = builder.Build();
        var server = new FakeRemoteServer(serverName, app);
        app.MapGet("/_matrix/key/v2/server", () =>
        {
            var json = new JsonObject
            {
                ["server_name"] = serverName,
                ["verify_keys"] = new JsonObject { [server.Key.KeyId] = new JsonObject { ["key"] = server.Key.PublicKeyBase64 } },
                ["old_verify_keys"] = new JsonObject(),
                ["valid_until_ts"] = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds(),
            };
            JsonSignatures.Sign(json, serverName, server.Key);
            return Results.Json(json);
        });
        app.MapPut("/_matrix/federation/v1/send/{txnId}", async (string txnId, HttpContext context) =>
        {
            var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
            var status = server.Answer(Interlocked.Increment(ref server.attempts));
            body["answered"] = status;
            server.Transactions.Enqueue((txnId, body, context.Request.Headers.Authorization.ToString()));
            return status == 200
                ? Results.Json(new JsonObject { ["pdus"] = new JsonObject() })
                : Results.Json(new JsonObject { ["errcode"] = "M_UNKNOWN", ["error"] = "scripted failure" }, statusCode: status);
        });
        routes?.Invoke(app);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        dns.Register(serverName, address.Port);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
