using Microsoft.Extensions.Configuration;

namespace Messenger.Homeserver.Configuration;

/// <summary>The <c>federation</c> section: who may federate with us, how we reach them and how keys are trusted.</summary>
public sealed class FederationConfig
{
    /// <summary>When not empty, only these server names may federate with us (licensed providers). Default: empty = everyone.</summary>
    [ConfigurationKeyName("domain_whitelist")]
    public List<string> DomainWhitelist { get; set; } = [];

    /// <summary>Server names we never federate with. Default: none.</summary>
    [ConfigurationKeyName("domain_blacklist")]
    public List<string> DomainBlacklist { get; set; } = [];

    /// <summary>Verify remote servers' TLS certificates. Default: true; turn off only for test deployments.</summary>
    [ConfigurationKeyName("verify_tls")]
    public bool VerifyTls { get; set; } = true;

    /// <summary>CIDR ranges outbound federation may reach although private/loopback (e.g. <c>127.0.0.0/8</c> in tests). Default: none.</summary>
    [ConfigurationKeyName("allowed_private_ranges")]
    public List<string> AllowedPrivateRanges { get; set; } = [];

    /// <summary>
    /// How long the keys we publish at <c>/_matrix/key/v2/server</c> stay valid (<c>valid_until_ts</c>), in ms.
    /// Default: 86400000 (one day, as Synapse); other servers refetch after it, so a rotated key spreads within it.
    /// </summary>
    [ConfigurationKeyName("key_validity_period_ms")]
    public long KeyValidityPeriodMs { get; set; } = 86_400_000;

    /// <summary>
    /// Notary servers asked for another server's keys when that server does not answer itself. Default: none, so
    /// keys are only taken from their own server (licensed providers trust no third party by default).
    /// </summary>
    [ConfigurationKeyName("trusted_key_servers")]
    public List<TrustedKeyServerConfig> TrustedKeyServers { get; set; } = [];

    /// <summary>Keys this server signed with before the current one, published in <c>old_verify_keys</c>. Default: none.</summary>
    [ConfigurationKeyName("old_signing_keys")]
    public List<OldSigningKeyConfig> OldSigningKeys { get; set; } = [];
}

/// <summary>A trusted notary: its server name and, optionally, the keys its answers must be signed with.</summary>
public sealed class TrustedKeyServerConfig
{
    [ConfigurationKeyName("server_name")]
    public string ServerName { get; set; } = "";

    /// <summary>The notary's keys; when empty, the keys it publishes itself are used.</summary>
    [ConfigurationKeyName("verify_keys")]
    public List<PublicKeyConfig> VerifyKeys { get; set; } = [];
}

/// <summary>A public key: its id (<c>ed25519:abc</c>) and the unpadded base64 key.</summary>
public sealed class PublicKeyConfig
{
    [ConfigurationKeyName("key_id")]
    public string KeyId { get; set; } = "";

    [ConfigurationKeyName("key")]
    public string Key { get; set; } = "";
}

/// <summary>A retired signing key: its id, public key and when it stopped being used (ms since the epoch).</summary>
public sealed class OldSigningKeyConfig
{
    [ConfigurationKeyName("key_id")]
    public string KeyId { get; set; } = "";

    [ConfigurationKeyName("key")]
    public string Key { get; set; } = "";

    [ConfigurationKeyName("expired_ts")]
    public long ExpiredTs { get; set; }
}
