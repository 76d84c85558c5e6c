using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Messenger.Homeserver;
using Messenger.Homeserver.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.LoadTest;

/// <summary>The real homeserver, in-process on 127.0.0.1, with a throw-away database and generous limits.</summary>
public sealed class LoadServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly string directory;

    private LoadServer(WebApplication app, string directory, Uri baseAddress)
    {
        this.app = app;
        this.directory = directory;
        BaseAddress = baseAddress;
        Http = NewClient();
    }

    public Uri BaseAddress { get; }

    /// <summary>The key source of the room server: the federation scenario publishes its made-up servers' keys here.</summary>
    public BenchmarkKeys Keys { get; private init; } = null!;

    public IServiceProvider Services => app.Services;
    public HttpClient Http { get; }

    public static async Task<LoadServer> StartAsync(string? postgres)
    {
        var directory = Path.Combine(Path.GetTempPath(), "messenger-load-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var database = postgres is null
            ? "database:\n  type: sqlite\n  sqlite_path: homeserver.db\n"
            : $"database:\n  type: postgres\n  connection_string: \"{postgres};Database=messenger_load_{Guid.NewGuid():N}\"\n";
        var path = Path.Combine(directory, "homeserver.yaml");
        await File.WriteAllTextAsync(path, $$"""
            server_name: load.test
            listeners:
              client: { bind_addresses: ["127.0.0.1"], port: 0 }
              federation: { bind_addresses: ["127.0.0.1"], port: 0 }
            {{database}}
            registration: { enable_registration: true }
            auth: { argon2_memory_kib: 64, argon2_iterations: 1 }
            rate_limits:
              registration: { per_second: 100000, burst_count: 100000 }
              login: { per_second: 100000, burst_count: 100000 }
              message: { per_second: 100000, burst_count: 100000 }
            logging: { level: Warning }
            """);
        var keys = new BenchmarkKeys();
        var app = HomeserverApp.Build(ConfigLoader.Load(path), builder => builder.Services.AddSingleton<Messenger.Homeserver.RoomServer.Remote.IPduKeySource>(keys));
        await HomeserverApp.InitializeAsync(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LoadServer(app, directory, new Uri(address)) { Keys = keys };
    }

    /// <summary>A client with its own connection pool, so that many long-polls do not queue behind each other.</summary>
    public HttpClient NewClient() => new(new SocketsHttpHandler { MaxConnectionsPerServer = 2000, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
    {
        BaseAddress = BaseAddress,
        Timeout = TimeSpan.FromMinutes(2),
    };

    public async Task<(string UserId, string Token)> RegisterAsync(string username)
    {
        var response = await Http.PostAsJsonAsync("/_matrix/client/v3/register", new { username, password = "load test password", auth = new { type = "m.login.dummy" } });
        response.EnsureSuccessStatusCode();
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        return ((string)body["user_id"]!, (string)body["access_token"]!);
    }

    public async Task<JsonObject> SendAsync(HttpMethod method, string path, string token, object? body = null, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await (client ?? Http).SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        return (JsonObject)JsonNode.Parse(text)!;
    }

    /// <summary>
    /// A GET whose answer is read as a <see cref="JsonDocument"/> (pooled buffers, no object per JSON node): what a
    /// client that looks for a few fields does, so that 1,000 in-process clients cost the shared cores little.
    /// </summary>
    public async Task<JsonDocument> GetDocumentAsync(string path, string token, HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        await using var body = await response.Content.ReadAsStreamAsync();
        return await JsonDocument.ParseAsync(body);
    }

    public async Task<string> CreateRoomAsync(string token, string preset = "public_chat") =>
        (string)(await SendAsync(HttpMethod.Post, "/_matrix/client/v3/createRoom", token, new { preset }))["room_id"]!;

    public async Task JoinAsync(string token, string roomId) =>
        await SendAsync(HttpMethod.Post, $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/join", token, new { });

    public async Task<string> SendTextAsync(string token, string roomId, string text, HttpClient? client = null) =>
        (string)(await SendAsync(HttpMethod.Put, $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/send/m.room.message/{Guid.NewGuid():N}", token,
            new { msgtype = "m.text", body = text }, client))["event_id"]!;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite files may still be open in the pool; the temp directory is the OS's to clean.
        }
    }
}
