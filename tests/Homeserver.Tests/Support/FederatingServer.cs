using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Messenger.Federation.Discovery;
using Messenger.Homeserver.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.Homeserver.Tests.Support;

/// <summary>
/// One of several homeservers that federate in a test: its own server name, a federation listener on 127.0.0.1 with
/// a self-signed certificate for that name made here, and the shared <see cref="TestDns"/> so the others find it.
/// TLS verification is off (<c>federation.verify_tls: false</c>, the switch for test deployments) because no CA
/// signed the certificate, unless <c>verifyTls</c> asks for the production default (then this server can reach no
/// other test server); loopback is allowed for outbound federation.
/// </summary>
public sealed class FederatingServer : IAsyncDisposable
{
    private WebApplication? app;
    private readonly TestDns dns;
    private int clientPort;

    private FederatingServer(string serverName, string directory, TestDns dns)
    {
        ServerName = serverName;
        Directory = directory;
        this.dns = dns;
    }

    public string ServerName { get; }

    /// <summary>Origins whose federation requests this server answers 503 (a partition); healed with <see cref="FederationPartition.Heal"/>.</summary>
    public FederationPartition Partition { get; } = new();
    public string Directory { get; }
    public IServiceProvider Services => app!.Services;

    /// <summary>Plain HTTP to the Client-Server listener.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>The HTTPS base address of the federation listener.</summary>
    public Uri FederationAddress { get; private set; } = null!;

    public static async Task<FederatingServer> StartAsync(string serverName, TestDns dns, string databaseYaml, string federationYaml = "", bool verifyTls = false)
    {
        var directory = Path.Combine(Path.GetTempPath(), "messenger-fed-" + Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(directory);
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            var request = new CertificateRequest("CN=" + serverName, key, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName(serverName);
            request.CertificateExtensions.Add(names.Build());
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
            await File.WriteAllTextAsync(Path.Combine(directory, "fed.crt"), certificate.ExportCertificatePem());
            await File.WriteAllTextAsync(Path.Combine(directory, "fed.key"), key.ExportPkcs8PrivateKeyPem());
        }
        var path = Path.Combine(directory, "homeserver.yaml");
        await File.WriteAllTextAsync(path, $"""
            server_name: {serverName}
            public_baseurl: https://{serverName}/
            signing_key_path: signing.key
            listeners:
              client:
                bind_addresses: ["127.0.0.1"]
                port: 0
              federation:
                bind_addresses: ["127.0.0.1"]
                port: 0
                tls_certificate_path: fed.crt
                tls_private_key_path: fed.key
            {databaseYaml}
            registration:
              enable_registration: true
            rate_limits:
              registration:
                per_second: 1000
                burst_count: 10000
            auth:
              argon2_memory_kib: 64
              argon2_iterations: 1
            federation:
              verify_tls: {(verifyTls ? "true" : "false")}
              allowed_private_ranges: ["127.0.0.0/8"]
            {federationYaml}
            logging:
              level: Warning
            """);

        var server = new FederatingServer(serverName, directory, dns);
        await server.RunAsync(ConfigLoader.Load(path));
        return server;
    }

    private async Task RunAsync(HomeserverConfig config)
    {
        app = HomeserverApp.Build(config, builder =>
        {
            builder.Services.AddSingleton<IDnsResolver>(dns);
            builder.Services.AddSingleton<IStartupFilter>(Partition);
        });
        await HomeserverApp.InitializeAsync(app);
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        FederationAddress = new Uri(addresses.First(a => a.StartsWith("https:", StringComparison.Ordinal)));
        Client = new HttpClient { BaseAddress = new Uri(addresses.First(a => a.StartsWith("http:", StringComparison.Ordinal))) };
        dns.Register(ServerName, FederationAddress.Port);
    }

    /// <summary>Stops the server process (host and listeners); its directory and database stay for <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        clientPort = Client.BaseAddress!.Port;
        Client.Dispose();
        await app!.StopAsync();
        await app.DisposeAsync();
        app = null;
    }

    /// <summary>Starts the stopped server again on the same configuration, database, signing key and ports.</summary>
    public async Task StartAgainAsync()
    {
        var config = ConfigLoader.Load(Path.Combine(Directory, "homeserver.yaml"));
        config.Listeners.Client.Port = clientPort;
        config.Listeners.Federation.Port = FederationAddress.Port;
        await RunAsync(config);
    }

    /// <summary>A raw HTTPS client to the federation listener that accepts its self-signed certificate.</summary>
    public HttpClient RawFederationClient() =>
        new(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } }) { BaseAddress = FederationAddress };

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a pooled SQLite connection; the OS cleans its temp dir.
        }
    }
}
