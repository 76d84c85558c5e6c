using System.Text.Json.Nodes;

namespace Messenger.Homeserver.Auth;

/// <summary>
/// Reads who a <c>m.login.password</c> attempt names: the <c>identifier</c> object of type <c>m.id.user</c>
/// ("Identifier types"), or the deprecated top-level <c>user</c> field older clients still send.
/// A bare localpart is completed with our server name; localparts are matched lower-cased, as Synapse does.
/// </summary>
public static class LoginIdentifier
{
    /// <summary>The full user id named, or null when none is given or the identifier type is not supported.</summary>
    public static string? ReadUser(JsonObject dict, string serverName)
    {
        string? user = null;
        if (dict["identifier"] is JsonObject identifier)
        {
            if (identifier["type"] is not JsonValue t || !t.TryGetValue(out string? type) || type != "m.id.user") return null;
            user = identifier["user"] is JsonValue u && u.TryGetValue(out string? value) ? value : null;
        }
        else if (dict["user"] is JsonValue legacy && legacy.TryGetValue(out string? value))
        {
            user = value;
        }
        if (string.IsNullOrEmpty(user)) return null;
        return Qualify(user, serverName);
    }

    /// <summary><c>alice</c> or <c>@Alice:server</c> → <c>@alice:server</c>.</summary>
    public static string Qualify(string user, string serverName)
    {
        if (!user.StartsWith('@')) return $"@{user.ToLowerInvariant()}:{serverName}";
        var colon = user.IndexOf(':');
        if (colon < 0) return $"@{user[1..].ToLowerInvariant()}:{serverName}";
        return "@" + user[1..colon].ToLowerInvariant() + user[colon..];
    }
}
