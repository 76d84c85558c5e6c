using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>
/// "Room History Visibility", server behaviour: whether a user may see an event depends on the room's state at that
/// event. Allowed when the visibility was <c>world_readable</c>; when the user's membership was <c>join</c>; when it
/// was <c>shared</c> and the user joined at any point after the event; when the user was invited and it was
/// <c>invited</c>. A <c>m.room.history_visibility</c> event, and the user's own member event, are seen when the state
/// before or after it allows. No or an unknown value counts as <c>shared</c>. Events after a former member's leave are
/// cut off before this (<see cref="RoomReadView.Cap"/>).
/// </summary>
public sealed class HistoryVisibilityFilter(RoomStore rooms, MembershipHistoryStore memberships)
{
    public const string WorldReadable = "world_readable";
    public const string Shared = "shared";
    public const string Invited = "invited";
    public const string Joined = "joined";

    /// <summary>The events of <paramref name="events"/> the user may see, in their order.</summary>
    public async Task<List<EventRow>> VisibleAsync(string userId, RoomReadView view, IReadOnlyList<EventRow> events, CancellationToken ct)
    {
        // A member sees everything from their current join on; only older events need the rules.
        var toCheck = events.Where(e => view.JoinedAt is not { } joinedAt || e.StreamOrdering < joinedAt).ToList();
        if (toCheck.Count == 0) return events.ToList();

        var lastJoin = await memberships.LastJoinAsync(view.Snapshot.RoomId, userId, ct);
        // Backfilled history has no state here: it is judged by the state where this server's history of the room starts.
        var historyStart = toCheck.Any(e => e.Kind == EventKind.Backfilled) ? await rooms.EarliestTimelineStateGroupAsync(view.Snapshot.RoomId, ct) : 0;
        long Before(EventRow e) => e.Kind == EventKind.Backfilled ? historyStart : e.StateGroupBefore;
        long After(EventRow e) => e.Kind == EventKind.Backfilled ? historyStart : e.StateGroupAfter;
        var groups = toCheck.Select(Before).Concat(toCheck.Where(e => NeedsStateAfter(e, userId)).Select(After)).Distinct();
        var states = new Dictionary<long, ImmutableDictionary<StateKey, string>>();
        foreach (var group in groups) states[group] = await rooms.StateGroupAsync(group, ct);
        var visibilityKey = new StateKey(EventTypes.HistoryVisibility, "");
        var memberKey = new StateKey(EventTypes.Member, userId);
        var ids = states.Values.SelectMany(s => new[] { s.GetValueOrDefault(visibilityKey), s.GetValueOrDefault(memberKey) }).OfType<string>().Distinct().ToList();
        var rows = (await rooms.EventRowsAsync(ids, ct)).ToDictionary(r => r.EventId);

        string Visibility(ImmutableDictionary<StateKey, string> state) =>
            state.TryGetValue(visibilityKey, out var id) && rows.TryGetValue(id, out var row)
            && JsonNode.Parse(row.Json)?["content"]?["history_visibility"] is JsonValue v && v.TryGetValue<string>(out var value)
            && value is WorldReadable or Shared or Invited or Joined
                ? value
                : Shared;
        string? MembershipIn(ImmutableDictionary<StateKey, string> state) =>
            state.TryGetValue(memberKey, out var id) && rows.TryGetValue(id, out var row) ? row.Membership : null;
        bool Allows(ImmutableDictionary<StateKey, string> state, long eventPosition)
        {
            var visibility = Visibility(state);
            var membership = MembershipIn(state);
            return visibility == WorldReadable
                || membership == Membership.Join
                || (visibility == Shared && (lastJoin > eventPosition || view.JoinedAt is not null))
                || (visibility == Invited && membership == Membership.Invite);
        }

        var hidden = toCheck.Where(e => !(Allows(states[Before(e)], e.StreamOrdering)
            || (NeedsStateAfter(e, userId) && Allows(states[After(e)], e.StreamOrdering)))).Select(e => e.EventId).ToHashSet();
        return events.Where(e => !hidden.Contains(e.EventId)).ToList();
    }

    /// <summary>Whether the state after the event counts too: a visibility change, or the user's own membership change.</summary>
    private static bool NeedsStateAfter(EventRow e, string userId) =>
        (e.Type == EventTypes.HistoryVisibility && e.StateKey == "") || (e.Type == EventTypes.Member && e.StateKey == userId);

    /// <summary>Whether one event is visible (for <c>/event</c>, <c>/context</c> and a relations parent).</summary>
    public async Task<bool> IsVisibleAsync(string userId, RoomReadView view, EventRow e, CancellationToken ct) =>
        (view.Cap is not { } cap || e.StreamOrdering <= cap) && (await VisibleAsync(userId, view, [e], ct)).Count == 1;
}
