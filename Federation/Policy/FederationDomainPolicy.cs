namespace Messenger.Federation.Policy;

/// <summary>
/// Which servers may federate with us at all: the configured allow-list (licensed providers only, when set) and
/// block-list (DESIGN.md, "Security model"). Checked on every inbound request (403 <c>M_FORBIDDEN</c>) and before
/// every outbound one. Room-level <c>m.room.server_acl</c> is a separate, per-room check.
/// </summary>
public sealed class FederationDomainPolicy(FederationOptions options)
{
    private readonly HashSet<string> whitelist = new(options.DomainWhitelist, StringComparer.Ordinal);
    private readonly HashSet<string> blacklist = new(options.DomainBlacklist, StringComparer.Ordinal);

    /// <summary>True when <paramref name="serverName"/> may federate with us. Server names compare case-sensitively.</summary>
    public bool IsAllowed(string serverName) =>
        !blacklist.Contains(serverName) && (whitelist.Count == 0 || whitelist.Contains(serverName));
}
