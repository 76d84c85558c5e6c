using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Messenger.EndToEnd.Tests;

/// <summary>
/// A throw-away homeserver.yaml: server name <c>localhost</c>, both listeners on free 127.0.0.1
/// ports, SQLite, signing key and media inside one temporary directory, open registration.
/// Only keys the homeserver documents are written, since an unknown key stops its start-up.
/// </summary>
internal sealed record TestHomeserverConfig(string Directory, int ClientPort, int FederationPort)
{
    public string ConfigPath => Path.Combine(Directory, "homeserver.yaml");

    public Uri BaseUrl => new($"http://127.0.0.1:{ClientPort.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>Picks two free loopback ports and writes the config file into <paramref name="directory"/>.</summary>
    public static TestHomeserverConfig Write(string directory)
    {
        var config = new TestHomeserverConfig(directory, FreeLoopbackPort(), FreeLoopbackPort());
        while (config.FederationPort == config.ClientPort)
        {
            config = config with { FederationPort = FreeLoopbackPort() };
        }

        File.WriteAllText(config.ConfigPath, config.ToYaml());
        return config;
    }

    public string ToYaml() => string.Create(CultureInfo.InvariantCulture, $"""
        server_name: localhost
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
