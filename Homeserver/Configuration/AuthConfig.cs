using Microsoft.Extensions.Configuration;

namespace Messenger.Homeserver.Configuration;

/// <summary>The <c>auth</c> section: token lifetimes and password hashing cost.</summary>
public sealed class AuthConfig
{
    /// <summary>Lifetime of an access token issued with a refresh token, in ms. Default: 5 minutes, as Synapse.</summary>
    [ConfigurationKeyName("refreshable_access_token_lifetime_ms")]
    public long RefreshableAccessTokenLifetimeMs { get; set; } = 5 * 60 * 1000;

    /// <summary>How long an unfinished User-Interactive Authentication session lives, in ms. Default: 1 hour.</summary>
    [ConfigurationKeyName("uia_session_lifetime_ms")]
    public long UiaSessionLifetimeMs { get; set; } = 60 * 60 * 1000;

    /// <summary>Argon2id memory in KiB. Default: 19456 (OWASP's recommendation for Argon2id).</summary>
    [ConfigurationKeyName("argon2_memory_kib")]
    public int Argon2MemoryKib { get; set; } = 19456;

    /// <summary>Argon2id passes. Default: 2.</summary>
    [ConfigurationKeyName("argon2_iterations")]
    public int Argon2Iterations { get; set; } = 2;
}
