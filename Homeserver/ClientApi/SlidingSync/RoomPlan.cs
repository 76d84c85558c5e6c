namespace Messenger.Homeserver.ClientApi.SlidingSync;

/// <summary>
/// A matched room that goes into the response, and how: <see cref="Initial"/> (never sent on this connection, or
/// joined anew: send everything), <see cref="ExpandedTimeline"/> (the timeline limit grew: resend the latest events)
/// or, otherwise, only what changed since <see cref="Previous"/>.
/// </summary>
public sealed record RoomPlan(MatchedRoom Room, SentRoom? Previous, bool Initial, bool ExpandedTimeline, bool IsDm);
