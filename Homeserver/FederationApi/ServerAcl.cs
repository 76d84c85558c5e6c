using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Messenger.Homeserver.FederationApi;

/// <summary>
/// "Server Access Control Lists (ACLs)": the <c>m.room.server_acl</c> content decides which servers may take part in
/// a room. An IP literal is denied unless <c>allow_ip_literals</c> (default true); then a server matching any
/// <c>deny</c> glob is denied, one matching any <c>allow</c> glob allowed, and every other server denied. Globs
/// (<c>*</c>, <c>?</c>) match the server name without its port, case-insensitively.
/// </summary>
public static class ServerAcl
{
    public static bool Allows(JsonObject? content, string serverName)
    {
        if (content is null) return true;
        var host = HostOf(serverName);
        var allowIpLiterals = content["allow_ip_literals"] is not JsonValue v || !v.TryGetValue(out bool b) || b;
        if (!allowIpLiterals && (IPAddress.TryParse(host.Trim('[', ']'), out _))) return false;
        if (Globs(content["deny"]).Any(g => g.IsMatch(host))) return false;
        return Globs(content["allow"]).Any(g => g.IsMatch(host));
    }

    private static string HostOf(string serverName)
    {
        if (serverName.StartsWith('[')) return serverName[..(serverName.IndexOf(']') + 1)];
        var colon = serverName.LastIndexOf(':');
        return colon < 0 ? serverName : serverName[..colon];
    }

    private static IEnumerable<Regex> Globs(JsonNode? list) =>
        list is not JsonArray array ? []
        : array.OfType<JsonValue>().Select(g => g.TryGetValue(out string? glob) ? glob : null).OfType<string>()
            .Select(glob => new Regex("^" + Regex.Escape(glob).Replace("\\*", ".*").Replace("\\?", ".") + "$",
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)));
}
