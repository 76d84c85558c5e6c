using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Messenger.Homeserver.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.Homeserver.Tests.Configuration;

/// <summary>A listener with <c>tls_certificate_path</c> and <c>tls_private_key_path</c> serves HTTPS with that certificate.</summary>
public sealed class TlsListenerTests : IAsyncLifetime
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "messenger-tls-" + Guid.NewGuid().ToString("N")[..8]);
    private WebApplication? app;

    public ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(directory);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Listener_with_pem_certificate_and_key_serves_https()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=tls.test.local", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        await File.WriteAllTextAsync(Path.Combine(directory, "cert.pem"), certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(directory, "key.pem"), key.ExportPkcs8PrivateKeyPem());
        var path = Path.Combine(directory, "homeserver.yaml");
        await File.WriteAllTextAsync(path, """
            server_name: tls.test.local
            listeners:
              client:
                bind_addresses: ["127.0.0.1"]
                port: 0
                tls_certificate_path: cert.pem
                tls_private_key_path: key.pem
              federation:
                bind_addresses: ["127.0.0.1"]
                port: 0
            database:
              sqlite_path: homeserver.db
            logging:
              level: Warning
            """);

        app = HomeserverApp.Build(ConfigLoader.Load(path));
        await HomeserverApp.InitializeAsync(app);
        await app.StartAsync();
        var https = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First(a => a.StartsWith("https", StringComparison.Ordinal));

        X509Certificate2? presented = null;
        using var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, _) =>
                {
                    presented = cert is null ? null : X509CertificateLoader.LoadCertificate(cert.GetRawCertData());
                    return true;
                },
            },
        };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(https) };
        var response = await http.GetAsync("/_matrix/client/versions");

        response.EnsureSuccessStatusCode();
        Assert.Equal(certificate.Thumbprint, presented?.Thumbprint);
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // The OS cleans its temp directory.
        }
    }
}
