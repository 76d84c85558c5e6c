using Microsoft.Extensions.Configuration;

namespace Messenger.Homeserver.Configuration;

/// <summary>The <c>registration</c> section: who may create accounts.</summary>
public sealed class RegistrationConfig
{
    /// <summary>Open <c>POST /register</c> to anyone. Default: false (a production server should not be open by accident).</summary>
    [ConfigurationKeyName("enable_registration")]
    public bool EnableRegistration { get; set; }

    /// <summary>Require a registration token (<c>m.login.registration_token</c>) from <c>registration_tokens</c>. Default: false.</summary>
    [ConfigurationKeyName("registration_requires_token")]
    public bool RegistrationRequiresToken { get; set; }

    /// <summary>Secret for Synapse-compatible shared-secret registration (<c>/_synapse/admin/v1/register</c>). Default: unset (that API is off).</summary>
    [ConfigurationKeyName("registration_shared_secret")]
    public string? RegistrationSharedSecret { get; set; }

    /// <summary>Tokens accepted by the <c>m.login.registration_token</c> stage. Default: none.</summary>
    [ConfigurationKeyName("registration_tokens")]
    public List<RegistrationTokenConfig> RegistrationTokens { get; set; } = [];

    /// <summary>Shortest password accepted at registration and password change. Default: 8.</summary>
    [ConfigurationKeyName("password_min_length")]
    public int PasswordMinLength { get; set; } = 8;
}

/// <summary>One registration token.</summary>
public sealed class RegistrationTokenConfig
{
    /// <summary>The token, 1–64 characters of <c>[A-Za-z0-9._~-]</c>.</summary>
    [ConfigurationKeyName("token")]
    public string Token { get; set; } = "";

    /// <summary>How many registrations it allows. Default: unlimited.</summary>
    [ConfigurationKeyName("uses_allowed")]
    public int? UsesAllowed { get; set; }

    /// <summary>Expiry, milliseconds since the Unix epoch. Default: never.</summary>
    [ConfigurationKeyName("expiry_time")]
    public long? ExpiryTime { get; set; }
}
