using Microsoft.Extensions.Configuration;

namespace Messenger.Homeserver.Configuration;

/// <summary>The <c>listeners</c> section: where the Client-Server and Server-Server APIs listen.</summary>
public sealed class ListenersConfig
{
    /// <summary>Client-Server API and <c>/.well-known</c>. Default: localhost:8008.</summary>
    [ConfigurationKeyName("client")]
    public ListenerConfig Client { get; set; } = new() { Port = 8008 };

    /// <summary>Server-Server API (<c>/_matrix/federation</c>, <c>/_matrix/key</c>). Default: localhost:8448.</summary>
    [ConfigurationKeyName("federation")]
    public ListenerConfig Federation { get; set; } = new() { Port = 8448 };
}

/// <summary>One listener: addresses, port and optional TLS.</summary>
public sealed class ListenerConfig
{
    /// <summary>IP addresses to bind; <c>localhost</c> binds both loopbacks, <c>0.0.0.0</c>/<c>::</c> everything. Default: <c>[localhost]</c>.</summary>
    [ConfigurationKeyName("bind_addresses")]
    public List<string> BindAddresses { get; set; } = [];

    /// <summary>TCP port; 0 picks a free one (tests).</summary>
    [ConfigurationKeyName("port")]
    public int Port { get; set; }

    /// <summary>PEM certificate chain; with <c>tls_private_key_path</c> turns on HTTPS. Default: plain HTTP (behind a reverse proxy).</summary>
    [ConfigurationKeyName("tls_certificate_path")]
    public string? TlsCertificatePath { get; set; }

    /// <summary>PEM private key of the certificate.</summary>
    [ConfigurationKeyName("tls_private_key_path")]
    public string? TlsPrivateKeyPath { get; set; }

    /// <summary>The addresses to bind, <c>localhost</c> when none are configured.</summary>
    public IReadOnlyList<string> EffectiveBindAddresses => BindAddresses.Count == 0 ? ["localhost"] : BindAddresses;
}
