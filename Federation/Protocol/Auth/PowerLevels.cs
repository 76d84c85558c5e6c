using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;

namespace Messenger.Federation.Protocol.Auth;

/// <summary>
/// A read-only view of a room's power levels: the current <c>m.room.power_levels</c> content with the spec's defaults
/// (client-server API <c>m.room.power_levels</c>; server-server API "Definitions"), plus the creators' levels from
/// <c>m.room.create</c>. Values are read lazily from the JSON, so building a view costs nothing per unused key.
/// Reading is lenient (a value this version cannot parse counts as absent); <see cref="EventAuthorizer"/> is what rejects
/// malformed power levels when they are sent.
/// </summary>
public sealed class PowerLevels
{
    /// <summary>A v12 room creator's level: above every level a power levels event can hold (at most 2^53-1).</summary>
    public const long Infinite = long.MaxValue;

    /// <summary>v1–11 without a power levels event: the creator's level (client-server API <c>m.room.power_levels</c>).</summary>
    public const long CreatorDefault = 100;

    private readonly JsonObject? content;
    private readonly Pdu? create;
    private readonly RoomVersion version;

    public PowerLevels(Pdu? powerLevelsEvent, Pdu? createEvent, RoomVersion version)
    {
        content = powerLevelsEvent?.Content;
        create = createEvent;
        this.version = version;
    }

    /// <summary>The view over the <c>m.room.power_levels</c> and <c>m.room.create</c> events of some state.</summary>
    public static PowerLevels FromState(IReadOnlyDictionary<StateKey, Pdu> state, RoomVersion version) =>
        new(state.GetValueOrDefault(new StateKey(EventTypes.PowerLevels, "")), state.GetValueOrDefault(new StateKey(EventTypes.Create, "")), version);

    /// <summary>Whether the room has a power levels event (without one, only the creator(s) have power).</summary>
    public bool Exists => content is not null;

    public long UsersDefault => Read("users_default", 0);
    public long EventsDefault => Read("events_default", 0);
    public long StateDefault => Read("state_default", 50);
    public long Ban => Read("ban", 50);
    public long Kick => Read("kick", 50);
    public long Redact => Read("redact", 50);
    public long Invite => Read("invite", 0);

    /// <summary>
    /// A user's level: v12 creators are <see cref="Infinite"/>; else <c>users[user]</c>, else <c>users_default</c>;
    /// with no power levels event, v1–11 give the creator 100 and everyone else 0.
    /// </summary>
    public long UserLevel(string userId)
    {
        if (create is not null && RoomCreators.IsPrivileged(create, userId)) return Infinite;
        if (content is null)
        {
            return !version.PrivilegedCreators && create is not null
                && string.Equals(RoomCreators.Creator(create), userId, StringComparison.Ordinal) ? CreatorDefault : 0;
        }
        return content["users"] is JsonObject users && PowerLevelNumber.TryRead(users[userId], version, out var level)
            ? level
            : UsersDefault;
    }

    /// <summary>The level needed to send an event of this type: <c>events[type]</c>, else <c>state_default</c> or <c>events_default</c>.</summary>
    public long EventLevel(string type, bool isState)
    {
        if (content?["events"] is JsonObject events && PowerLevelNumber.TryRead(events[type], version, out var level)) return level;
        return isState ? StateDefault : EventsDefault;
    }

    /// <summary>The level for a notification key (<c>room</c> = <c>@room</c>, default 50); null for another key not listed.</summary>
    public long? NotificationLevel(string key)
    {
        if (content?["notifications"] is JsonObject notifications && PowerLevelNumber.TryRead(notifications[key], version, out var level)) return level;
        return key == "room" ? 50 : null;
    }

    private long Read(string key, long fallback) =>
        content is not null && PowerLevelNumber.TryRead(content[key], version, out var level) ? level : fallback;
}
