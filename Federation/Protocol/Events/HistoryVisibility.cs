using System.Text.Json.Nodes;

namespace Messenger.Federation.Protocol.Events;

/// <summary>
/// The <c>history_visibility</c> values of <c>m.room.history_visibility</c> and the rule that decides, from the room's
/// state at an event, who may see it (client-server API "Room History Visibility", "Server behaviour"). Pure: the
/// callers read the state; the rule lives here once, for users (<c>/messages</c>, <c>/event</c>, <c>/context</c>) and for
/// servers (<c>/backfill</c>, <c>/get_missing_events</c>, federation <c>/event</c>).
/// </summary>
public static class HistoryVisibility
{
    public const string WorldReadable = "world_readable";
    public const string Shared = "shared";
    public const string Invited = "invited";
    public const string Joined = "joined";

    /// <summary>
    /// The value in force given the <c>m.room.history_visibility</c> content (null: no such event). "By default if no
    /// <c>history_visibility</c> is set, or if the value is not understood, the visibility is assumed to be <c>shared</c>."
    /// </summary>
    public static string Effective(JsonObject? content) =>
        content?["history_visibility"] is JsonValue v && v.TryGetValue<string>(out var value) && value is WorldReadable or Shared or Invited or Joined
            ? value
            : Shared;

    /// <summary>
    /// "Server behaviour", rules 1–5, for one user: <c>world_readable</c> allows; the user's membership <c>join</c> at the
    /// event allows; <c>shared</c> allows when the user joined the room at any point after the event
    /// (<paramref name="joinedSince"/>); <c>invited</c> allows when the membership was <c>invite</c>; otherwise deny.
    /// <paramref name="membership"/> is the user's membership in the state at the event (null: none).
    /// </summary>
    public static bool UserMaySee(string visibility, string? membership, bool joinedSince) =>
        visibility == WorldReadable
        || membership == Membership.Join
        || (visibility == Shared && joinedSince)
        || (visibility == Invited && membership == Membership.Invite);

    /// <summary>
    /// Whether a server may see an event in full, given the memberships its users had at the event (the spec is silent;
    /// this is what Synapse does for <c>/backfill</c> and friends): a server is only answered while one of its users is
    /// joined to the room, so that user "joined at any point after the event" and <c>shared</c> (like
    /// <c>world_readable</c>) allows even with no member at the event; <c>invited</c> and <c>joined</c> need one user of
    /// the server with that membership. An event the server may not see is served redacted, never left out, so the
    /// room's DAG stays walkable.
    /// </summary>
    public static bool ServerMaySee(string visibility, IEnumerable<string?> memberships) =>
        UserMaySee(visibility, null, joinedSince: true) || memberships.Any(m => UserMaySee(visibility, m, joinedSince: true));

    /// <summary>
    /// Whether the state after an event counts as well as the state before it: "For <c>m.room.history_visibility</c>
    /// events themselves, the user should be allowed to see the event if the <c>history_visibility</c> before or after
    /// the event would allow them", and likewise for the user's own <c>m.room.member</c> events.
    /// <paramref name="isViewer"/> tells whether a state key is the viewer (a user, or a user of the viewing server).
    /// </summary>
    public static bool AfterCounts(string type, string? stateKey, Func<string, bool> isViewer) =>
        (type == EventTypes.HistoryVisibility && stateKey == "") || (type == EventTypes.Member && stateKey is not null && isViewer(stateKey));
}
