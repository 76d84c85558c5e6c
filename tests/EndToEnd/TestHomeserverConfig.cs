using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Messenger.EndToEnd.Tests;

/// <summary>
/// A throw-away homeserver.yaml: both listeners on free 127.0.0.1 ports, SQLite, signing key and media inside one
/// temporary directory, open registration. A lone server is named <c>localhost</c>. A federating one
/// (<paramref name="Authority"/> given) is named by the IP literal and port of its federation listener,
/// <c>127.0.0.1:PORT</c>, which other servers reach without DNS or <c>.well-known</c> (Server-Server API, "Resolving
/// server names", step 1); that listener serves TLS with a certificate the authority issues, certificates are verified
/// (<c>verify_tls</c> stays on) and outbound federation may reach loopback. Only keys the homeserver documents are
/// written, since an unknown key stops its start-up.
/// </summary>
internal sealed record TestHomeserverConfig(string Directory, int ClientPort, int FederationPort, TestCertificateAuthority? Authority)
{
    public string ConfigPath => Path.Combine(Directory, "homeserver.yaml");

    public Uri BaseUrl => new($"http://127.0.0.1:{ClientPort.ToString(CultureInfo.InvariantCulture)}/");

    public string ServerName => Authority is null ? "localhost" : $"127.0.0.1:{FederationPort.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Picks two free loopback ports and writes the config file into <paramref name="directory"/>; with an
    /// <paramref name="authority"/>, also the federation listener's certificate and key.
    /// </summary>
    public static TestHomeserverConfig Write(string directory, TestCertificateAuthority? authority = null)
    {
        var config = new TestHomeserverConfig(directory, FreeLoopbackPort(), FreeLoopbackPort(), authority);
        while (config.FederationPort == config.ClientPort)
        {
            config = config with { FederationPort = FreeLoopbackPort() };
        }

        authority?.IssueServerCertificate(IPAddress.Loopback, config.CertificatePath, config.PrivateKeyPath);
        File.WriteAllText(config.ConfigPath, config.ToYaml());
        return config;
    }

    private string CertificatePath => Path.Combine(Directory, "federation.crt");

    private string PrivateKeyPath => Path.Combine(Directory, "federation.key");

    /// <summary>The federation listener's TLS lines (indented under it), when the server federates.</summary>
    private string FederationTlsYaml => Authority is null ? "" : string.Join("\n",
        "    tls_certificate_path: " + Quote(CertificatePath),
        "    tls_private_key_path: " + Quote(PrivateKeyPath));

    /// <summary>The <c>federation</c> section, when the server federates: certificates verified, loopback reachable.</summary>
    private static string FederationYaml(bool federates) => federates ? """
        federation:
          verify_tls: true
          allowed_private_ranges: ["127.0.0.0/8"]
        """ : "";

    public string ToYaml() => string.Create(CultureInfo.InvariantCulture, $"""
        server_name: {Quote(ServerName)}
        public_baseurl: {Quote(BaseUrl.ToString())}
        signing_key_path: {Quote(Path.Combine(Directory, "signing.key"))}
        media_store_path: {Quote(Path.Combine(Directory, "media"))}
        listeners:
          client:
            bind_addresses: ["127.0.0.1"]
            port: {ClientPort}
          federation:
            bind_addresses: ["127.0.0.1"]
            port: {FederationPort}
        {FederationTlsYaml}
        {FederationYaml(Authority is not null)}
        database:
          type: sqlite
          sqlite_path: {Quote(Path.Combine(Directory, "homeserver.db"))}
        registration:
          enable_registration: true

        """);

    /// <summary>
    /// A port the OS had free a moment ago. Another process could take it before the server
    /// binds; on a test machine that is rare enough, and the start-up failure says so plainly.
    /// </summary>
    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A YAML single-quoted scalar: no escapes but a doubled quote.</summary>
    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
