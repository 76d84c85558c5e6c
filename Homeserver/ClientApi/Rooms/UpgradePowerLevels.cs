using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.RoomVersions;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>
/// The power levels of a replacement room ("Room upgrades", server behaviour 3 and 6). The old levels are copied as
/// integers (string and float levels of old versions are refused from v10/v6 on). The upgrader may need more power to
/// copy every state event than they hold (Synapse's approach): they start with enough and get their own level back in
/// a second power levels event. From v12, creators have infinite power and must not be listed in <c>users</c>.
/// </summary>
public static class UpgradePowerLevels
{
    private static readonly string[] Levels = ["ban", "kick", "redact", "invite", "events_default", "state_default", "users_default"];

    /// <summary>
    /// The content to create the new room with, and the one to send after the copied state (null when the same).
    /// <paramref name="creators"/> are the new room's creators (the upgrader and any additional creators).
    /// </summary>
    public static (JsonObject Initial, JsonObject? Final) Plan(PowerLevels old, JsonObject? oldContent, string upgrader, IReadOnlyCollection<string> creators, RoomVersion newVersion)
    {
        var copy = Copy(old, oldContent);
        var users = copy["users"] as JsonObject ?? [];
        copy["users"] = users;
        if (newVersion.PrivilegedCreators)
        {
            foreach (var creator in creators) users.Remove(creator);
            return (copy, null);
        }

        var needed = Needed(copy);
        var own = old.UserLevel(upgrader);
        // A v12 creator's infinite level cannot be written; they become an administrator at least as strong as any rule.
        var permanent = own > (1L << 53) - 1 ? Math.Max(PowerLevels.CreatorDefault, needed) : own;
        users[upgrader] = permanent;
        if (permanent >= needed) return (copy, null);
        var initial = copy.DeepClone().AsObject();
        initial["users"]![upgrader] = needed;
        return (initial, copy);
    }

    /// <summary>
    /// The old room's levels after the upgrade: <c>events_default</c> and <c>invite</c> raised to the greater of 50 and
    /// <c>users_default + 1</c>, so ordinary members can neither talk nor invite. Null if they already are.
    /// </summary>
    public static JsonObject? Restrict(PowerLevels old, JsonObject? oldContent)
    {
        var restricted = Math.Max(50, old.UsersDefault + 1);
        if (old.EventsDefault >= restricted && old.Invite >= restricted) return null;
        var content = oldContent?.DeepClone().AsObject() ?? [];
        if (old.EventsDefault < restricted) content["events_default"] = restricted;
        if (old.Invite < restricted) content["invite"] = restricted;
        return content;
    }

    /// <summary>The known keys of the old content, each read through the old room version's rules and written as an integer.</summary>
    public static JsonObject Copy(PowerLevels old, JsonObject? oldContent)
    {
        var copy = new JsonObject();
        if (oldContent is null) return copy;
        foreach (var key in Levels)
        {
            if (oldContent.ContainsKey(key)) copy[key] = Read(old, key);
        }
        if (oldContent["events"] is JsonObject events)
            copy["events"] = new JsonObject(events.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)old.EventLevel(kv.Key, isState: true))));
        if (oldContent["users"] is JsonObject users)
            copy["users"] = new JsonObject(users.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)old.UserLevel(kv.Key))));
        if (oldContent["notifications"] is JsonObject notifications)
        {
            copy["notifications"] = new JsonObject(notifications
                .Where(kv => old.NotificationLevel(kv.Key) is not null)
                .Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)old.NotificationLevel(kv.Key)!.Value)));
        }
        return copy;
    }

    /// <summary>The level that sends every state event the content governs (and bans): the upgrader needs it to copy state.</summary>
    private static long Needed(JsonObject content)
    {
        var needed = Math.Max(Level(content["state_default"], 50), Level(content["ban"], 50));
        if (content["events"] is JsonObject events)
        {
            foreach (var (_, value) in events) needed = Math.Max(needed, Level(value, 0));
        }
        return needed;
    }

    private static long Level(JsonNode? node, long fallback) => node is JsonValue v && v.TryGetValue(out long l) ? l : fallback;

    private static long Read(PowerLevels old, string key) => key switch
    {
        "ban" => old.Ban,
        "kick" => old.Kick,
        "redact" => old.Redact,
        "invite" => old.Invite,
        "events_default" => old.EventsDefault,
        "state_default" => old.StateDefault,
        _ => old.UsersDefault,
    };
}
