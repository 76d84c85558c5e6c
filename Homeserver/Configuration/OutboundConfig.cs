using Microsoft.Extensions.Configuration;

namespace Messenger.Homeserver.Configuration;

/// <summary>The <c>outbound</c> section: requests this server makes to addresses users name (push gateways).</summary>
public sealed class OutboundConfig
{
    /// <summary>Private, loopback or link-local ranges (CIDR) such requests may reach anyway, e.g. a push gateway on <c>10.1.2.0/24</c>. Default: none.</summary>
    [ConfigurationKeyName("allowed_private_ranges")]
    public List<string> AllowedPrivateRanges { get; set; } = [];
}
