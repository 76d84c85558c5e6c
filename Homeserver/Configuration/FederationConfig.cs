using Microsoft.Extensions.Configuration;

namespace Messenger.Homeserver.Configuration;

/// <summary>
/// The <c>federation</c> section. The Server-Server API itself arrives with issue #7; these settings are read and
/// validated now so that a deployment's file does not change when it does.
/// </summary>
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
}
