using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;

namespace Messenger.Federation.Protocol.Auth;

public static partial class EventAuthorizer
{
    /// <summary>The top-level levels whose change the power levels rule checks (rule 9.3; v10: 9.5; v12: 10.6).</summary>
    private static readonly string[] NamedLevels = ["users_default", "events_default", "state_default", "ban", "redact", "kick", "invite"];

    /// <summary>Rule 9 (v1–5: 10; v12: 10): what a sender may change in <c>m.room.power_levels</c>.</summary>
    private static AuthResult AuthorizePowerLevels(Pdu ev, RoomState state, Pdu create, PowerLevels current, long senderLevel)
    {
        var version = ev.RoomVersion;
        var content = ev.Content;
        if (FindMalformed(content, version) is { } problem) return AuthResult.Reject(AuthRule.PowerLevelsMalformed, problem);

        if (version.PrivilegedCreators && content["users"] is JsonObject listed)
        {
            foreach (var (user, _) in listed)
            {
                if (RoomCreators.IsPrivileged(create, user))
                    return AuthResult.Reject(AuthRule.PowerLevelsListsCreator, $"room creator {user} may not be listed in users");
            }
        }

        var previous = state.Get(EventTypes.PowerLevels, "");
        if (previous is null) return state.Allow();
        var old = previous.Content;

        foreach (var name in NamedLevels)
        {
            var before = Level(old[name], ev);
            var after = Level(content[name], ev);
            if (before == after) continue;
            if (before > senderLevel || after > senderLevel)
                return AuthResult.Reject(AuthRule.PowerLevelsLevelChange, $"{ev.Sender} (level {senderLevel}) cannot change {name} from {Show(before)} to {Show(after)}");
        }

        if (CheckMapChange(ev, old["events"], content["events"], senderLevel, "events") is { } eventsProblem)
            return AuthResult.Reject(AuthRule.PowerLevelsEventChange, eventsProblem);
        if (version.LimitNotificationsPowerLevels
            && CheckMapChange(ev, old["notifications"], content["notifications"], senderLevel, "notifications") is { } notificationsProblem)
            return AuthResult.Reject(AuthRule.PowerLevelsEventChange, notificationsProblem);

        var oldUsers = old["users"] as JsonObject;
        var newUsers = content["users"] as JsonObject;
        if (oldUsers is not null)
        {
            foreach (var (user, node) in oldUsers)
            {
                if (string.Equals(user, ev.Sender, StringComparison.Ordinal)) continue;
                var before = Level(node, ev);
                var after = Level(newUsers?[user], ev);
                if (before == after || before is null) continue;
                if (before >= senderLevel)
                    return AuthResult.Reject(AuthRule.PowerLevelsUserChange, $"{ev.Sender} (level {senderLevel}) cannot change the level of {user} ({before})");
            }
        }
        if (newUsers is not null)
        {
            foreach (var (user, node) in newUsers)
            {
                var after = Level(node, ev);
                if (after == Level(oldUsers?[user], ev)) continue;
                if (after > senderLevel)
                    return AuthResult.Reject(AuthRule.PowerLevelsUserChange, $"{ev.Sender} (level {senderLevel}) cannot give {user} level {after}");
            }
        }

        return state.Allow();
    }

    /// <summary>Entries of <c>events</c> or <c>notifications</c> changed or removed above, or added or changed beyond, the sender's level.</summary>
    private static string? CheckMapChange(Pdu ev, JsonNode? oldNode, JsonNode? newNode, long senderLevel, string name)
    {
        var oldMap = oldNode as JsonObject;
        var newMap = newNode as JsonObject;
        if (oldMap is not null)
        {
            foreach (var (key, node) in oldMap)
            {
                var before = Level(node, ev);
                if (before is not null && before != Level(newMap?[key], ev) && before > senderLevel)
                    return $"{ev.Sender} (level {senderLevel}) cannot change {name}[{key}] from {before}";
            }
        }
        if (newMap is not null)
        {
            foreach (var (key, node) in newMap)
            {
                var after = Level(node, ev);
                if (after is not null && after != Level(oldMap?[key], ev) && after > senderLevel)
                    return $"{ev.Sender} (level {senderLevel}) cannot set {name}[{key}] to {after}";
            }
        }
        return null;
    }

    /// <summary>
    /// Rules 9.1 (v10: 9.1–9.3): every level this version reads must parse, and <c>users</c> keys must be user ids.
    /// Before v10 the spec only names <c>users</c>; the other levels are checked too, since a level nobody can read
    /// would make the room's permissions ambiguous (Synapse fails on them as well).
    /// </summary>
    private static string? FindMalformed(JsonObject content, RoomVersions.RoomVersion version)
    {
        foreach (var name in NamedLevels)
        {
            if (content.TryGetPropertyValue(name, out var node) && !PowerLevelNumber.TryRead(node, version, out _))
                return $"{name} is not an integer power level";
        }
        string[] maps = version.LimitNotificationsPowerLevels ? ["events", "notifications", "users"] : ["events", "users"];
        foreach (var map in maps)
        {
            if (!content.TryGetPropertyValue(map, out var node)) continue;
            if (node is not JsonObject entries) return $"{map} is not an object";
            foreach (var (key, value) in entries)
            {
                if (!PowerLevelNumber.TryRead(value, version, out _)) return $"{map}[{key}] is not an integer power level";
                if (map == "users" && !UserIdSyntax.IsValid(key)) return $"users key {key} is not a user id";
            }
        }
        return null;
    }

    private static long? Level(JsonNode? node, Pdu ev) => PowerLevelNumber.TryRead(node, ev.RoomVersion, out var level) ? level : null;

    private static string Show(long? level) => level?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unset";
}
