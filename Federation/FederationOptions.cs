namespace Messenger.Federation;

/// <summary>
/// What the Server-Server API needs to know about this deployment. The homeserver builds it from the
/// <c>federation</c> section of its configuration; Federation never reads configuration files itself.
/// </summary>
public sealed class FederationOptions
{
    /// <summary>Our server name: the <c>destination</c> every inbound request must name and the <c>origin</c> of ours.</summary>
    public required string ServerName { get; init; }

    /// <summary>When not empty, only these servers may federate with us (inbound and outbound).</summary>
    public IReadOnlyCollection<string> DomainWhitelist { get; init; } = [];

    /// <summary>Servers we never federate with.</summary>
    public IReadOnlyCollection<string> DomainBlacklist { get; init; } = [];

    /// <summary>Verify remote TLS certificates (server-server API, "TLS"). Off only in test deployments.</summary>
    public bool VerifyTls { get; init; } = true;

    /// <summary>CIDR ranges outbound federation may reach although they are private, loopback or link-local.</summary>
    public IReadOnlyCollection<string> AllowedPrivateRanges { get; init; } = [];

    /// <summary>How long the <c>valid_until_ts</c> we publish lies in the future (Synapse's default: one day).</summary>
    public TimeSpan KeyValidity { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Keys we used to sign with, published in <c>old_verify_keys</c> so old events still verify.</summary>
    public IReadOnlyList<OldVerifyKey> OldVerifyKeys { get; init; } = [];

    /// <summary>Notary servers we ask for other servers' keys when fetching them directly fails.</summary>
    public IReadOnlyList<TrustedKeyServer> TrustedKeyServers { get; init; } = [];

    /// <summary>Timeout of one outbound request attempt.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>A retired signing key: its id, public key (unpadded base64) and when it stopped being used (ms).</summary>
public sealed record OldVerifyKey(string KeyId, string Key, long ExpiredTs);

/// <summary>
/// A notary we trust for key queries (<c>POST /_matrix/key/v2/query</c>). With <paramref name="VerifyKeys"/> its
/// answers must carry its signature by one of them; without, by a key fetched from the notary itself.
/// </summary>
public sealed record TrustedKeyServer(string ServerName, IReadOnlyDictionary<string, string> VerifyKeys);
