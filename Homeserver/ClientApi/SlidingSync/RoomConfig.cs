namespace Messenger.Homeserver.ClientApi.SlidingSync;

/// <summary>
/// What to return of a room (MSC4186 "room config"): at most <see cref="TimelineLimit"/> timeline events and the state
/// <see cref="RequiredState"/> selects. A room matched by several rules gets the superset of their configs.
/// </summary>
public sealed record RoomConfig(int TimelineLimit, RequiredStateSpec RequiredState)
{
    public RoomConfig Combine(RoomConfig other) =>
        new(Math.Max(TimelineLimit, other.TimelineLimit), RequiredState.Union(other.RequiredState));
}
