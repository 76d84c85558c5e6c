using System.Net.Http.Headers;
using Messenger.Homeserver.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Messenger.Homeserver.Tests.Support;

/// <summary>
/// A real homeserver on Kestrel, bound to 127.0.0.1 on a free port, with a config file written to a temporary
/// directory and loaded through the real loader. One per test class; tests in a class use their own users.
/// Time is a <see cref="FakeTimeProvider"/> so expiry can be tested without sleeping.
/// </summary>
public abstract class ServerFixture : IAsyncLifetime
{
    public const string ServerName = "test.local";

    private WebApplication? app;
    private HttpClient? client;
    private string? skipReason;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "messenger-test-" + Guid.NewGuid().ToString("N")[..10]);
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
    public string SharedSecret { get; } = "test-shared-secret";
    public HomeserverConfig Config { get; private set; } = null!;
    public IServiceProvider Services => app!.Services;

    /// <summary>The client for the server; skips the calling test when this fixture's database is not available.</summary>
    public HttpClient Client
    {
        get
        {
            if (skipReason is not null) Assert.Skip(skipReason);
            return client!;
        }
    }

    /// <summary>The database section of the config; null skips the tests with <see cref="SkipReasonWhenNoDatabase"/>.</summary>
    protected abstract Task<string?> DatabaseYamlAsync();

    protected virtual string SkipReasonWhenNoDatabase => "database not available";

    /// <summary>Extra YAML appended to the config (sections that replace the defaults).</summary>
    protected virtual string ExtraYaml => "";

    public async ValueTask InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var database = await DatabaseYamlAsync();
        if (database is null)
        {
            skipReason = SkipReasonWhenNoDatabase;
            return;
        }
        var path = Path.Combine(Directory, "homeserver.yaml");
        await File.WriteAllTextAsync(path, $"""
            server_name: {ServerName}
            public_baseurl: https://{ServerName}/
            signing_key_path: signing.key
            listeners:
              client:
                bind_addresses: ["127.0.0.1"]
                port: 0
              federation:
                bind_addresses: ["127.0.0.1"]
                port: 0
            {database}
            {RegistrationYaml}
            {RateLimitsYaml}
            outbound:
              allowed_private_ranges: ["127.0.0.0/8"]
            auth:
              argon2_memory_kib: 64
              argon2_iterations: 1
            logging:
              level: Warning
            {ExtraYaml}
            """);
        await StartAsync(path);
    }

    /// <summary>The registration section; fixtures that test other policies replace it.</summary>
    protected virtual string RegistrationYaml => $"""
        registration:
          enable_registration: true
          registration_shared_secret: "{SharedSecret}"
          registration_tokens:
            - token: "limited-token"
              uses_allowed: 1
        """;

    /// <summary>The rate limits; high by default so that test classes registering many users are not throttled.</summary>
    protected virtual string RateLimitsYaml => """
        rate_limits:
          registration: { per_second: 1000, burst_count: 10000 }
          login: { per_second: 1000, burst_count: 10000 }
        """;

    /// <summary>Replaces services of the server under test (a fake key source for federation tests).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Stops the server and starts it again on the same database and key (a restart).</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync(Path.Combine(Directory, "homeserver.yaml"));
    }

    private async Task StartAsync(string path)
    {
        Config = ConfigLoader.Load(path);
        app = HomeserverApp.Build(Config, builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(Clock);
            ConfigureServices(builder.Services);
        });
        await HomeserverApp.InitializeAsync(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        client = new HttpClient { BaseAddress = new Uri(address) };
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    private async Task StopAsync()
    {
        client?.Dispose();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a pooled SQLite connection; the OS cleans the temp dir.
        }
        GC.SuppressFinalize(this);
    }
}
