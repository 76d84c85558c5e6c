using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.ClientApi.Keys;

/// <summary>Reads the user-keyed maps of key requests and splits them into this server's users and other servers'.</summary>
public static class KeyRequestUsers
{
    /// <summary>Users per server name; a key that is not a user id is <c>M_INVALID_PARAM</c>.</summary>
    public static Dictionary<string, List<string>> ByServer(JsonObject map, string field)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (user, _) in map)
        {
            if (!UserId.TryParse(user, out var id)) throw MatrixError.InvalidParam($"{field}: '{user}' is not a user id");
            var server = id.ServerName.Value;
            if (!result.TryGetValue(server, out var users)) result[server] = users = [];
            users.Add(user);
        }
        return result;
    }

    /// <summary>The request's <c>timeout</c> for remote servers (default 10 s, at most 60 s).</summary>
    public static TimeSpan Timeout(JsonObject body) => body["timeout"] switch
    {
        null => TimeSpan.FromSeconds(10),
        JsonValue v when v.TryGetValue(out long ms) && ms >= 0 => TimeSpan.FromMilliseconds(Math.Min(ms, 60_000)),
        _ => throw MatrixError.BadJson("timeout must be a non-negative integer"),
    };
}
