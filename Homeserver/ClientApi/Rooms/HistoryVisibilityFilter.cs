using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>
/// "Room History Visibility", server behaviour, for a user: whether they may see an event depends on the room's state
/// at that event (the rule: <see cref="HistoryVisibility.UserMaySee"/>; the state: <see cref="VisibilityStateReader"/>).
/// A <c>m.room.history_visibility</c> event, and the user's own member event, are seen when the state before or after
/// it allows. Events after a former member's leave are cut off before this (<see cref="RoomReadView.Cap"/>).
/// </summary>
public sealed class HistoryVisibilityFilter(VisibilityStateReader states, MembershipHistoryStore memberships)
{
    /// <summary>The events of <paramref name="events"/> the user may see, in their order.</summary>
    public async Task<List<EventRow>> VisibleAsync(string userId, RoomReadView view, IReadOnlyList<EventRow> events, CancellationToken ct)
    {
        // A member sees everything from their current join on; only older events need the rules.
        var toCheck = events.Where(e => view.JoinedAt is not { } joinedAt || e.StreamOrdering < joinedAt).ToList();
        if (toCheck.Count == 0) return events.ToList();

        var lastJoin = await memberships.LastJoinAsync(view.Snapshot.RoomId, userId, ct);
        var at = await states.ReadAsync(view.Snapshot.RoomId, toCheck, key => key == userId, ct);
        // "joined the room at any point after the event": a later join on record, or a member now.
        bool Allows(ViewerState state, EventRow e) =>
            HistoryVisibility.UserMaySee(state.Visibility, state.Memberships.FirstOrDefault(), lastJoin > e.StreamOrdering || view.JoinedAt is not null);
        var hidden = toCheck.Where(e => !at[e.EventId].Allows(state => Allows(state, e))).Select(e => e.EventId).ToHashSet(StringComparer.Ordinal);
        return events.Where(e => !hidden.Contains(e.EventId)).ToList();
    }

    /// <summary>Whether one event is visible (for <c>/event</c>, <c>/context</c> and a relations parent).</summary>
    public async Task<bool> IsVisibleAsync(string userId, RoomReadView view, EventRow e, CancellationToken ct) =>
        (view.Cap is not { } cap || e.StreamOrdering <= cap) && (await VisibleAsync(userId, view, [e], ct)).Count == 1;
}
