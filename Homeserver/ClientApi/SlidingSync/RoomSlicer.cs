using System.Collections.Immutable;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.ClientApi.AccountData;
using Messenger.Homeserver.ClientApi.Rooms;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.SlidingSync;

/// <summary>
/// Cuts one room's part of a response (MSC4186 "Room results"). The room's window ends at the response's position
/// for a joined room and at the user's leave (or kick, or ban) otherwise, so nothing after it is shown. The timeline
/// is the newest <c>timeline_limit</c> events of the window since the room was last sent (all of history when initial
/// or expanded); <c>required_state</c> is the state at the window's end that the config selects — all of it when
/// initial, else what changed since the room was last sent plus what a widened config newly selects — and, with
/// <c>$LAZY</c>, the member events of the timeline's senders and targets the client does not hold yet. Non-state
/// events of ignored users, and events history visibility hides from the user (those before they joined a room whose
/// history is not shared), are left out of the timeline.
/// </summary>
public sealed class RoomSlicer(RoomStore rooms, RoomEventPipeline pipeline, SlidingSyncStore store, HistoryVisibilityFilter visibility)
{
    public async Task<RoomSlice?> SliceAsync(string userId, RoomPlan plan, long upTo, IReadOnlySet<string> ignored, CancellationToken ct)
    {
        var room = plan.Room;
        var snapshot = await pipeline.SnapshotAsync(room.RoomId, ct);
        if (snapshot is null) return null;
        var joined = room.Membership.Membership == Membership.Join;
        var end = joined ? upTo : room.Membership.StreamOrdering;
        // A user who was never joined (a rejected invite, a ban from outside) sees their own membership event only.
        var neverJoined = !joined && !await WasJoinedBeforeAsync(room.Membership, ct);
        var previous = plan.Initial ? null : plan.Previous;
        var config = room.Config;

        List<EventRow> timeline;
        bool limited;
        if (neverJoined)
        {
            timeline = (await rooms.EventRowsAsync([room.Membership.EventId], ct)).ToList();
            limited = false;
        }
        else
        {
            var from = previous is null || plan.ExpandedTimeline ? 0 : Math.Min(previous.At, end);
            var newest = await rooms.RecentAsync(room.RoomId, from, end, config.TimelineLimit + 1, ct);
            limited = newest.Count > config.TimelineLimit;
            timeline = newest.Take(config.TimelineLimit).Reverse().Where(r => !IgnoredUsers.Hides(ignored, r.Sender, r.StateKey)).ToList();
            var view = joined
                ? new RoomReadView(snapshot, Membership.Join, room.Membership.StreamOrdering, null, null)
                : new RoomReadView(snapshot, room.Membership.Membership, null, end, null);
            timeline = await visibility.VisibleAsync(userId, view, timeline, ct);
        }

        var atEnd = await rooms.StateGroupAsync(await rooms.StateGroupAtAsync(room.RoomId, end, ct), ct);
        var before = previous is null ? ImmutableDictionary<StateKey, string>.Empty
            : await rooms.StateGroupAsync(await rooms.StateGroupAtAsync(room.RoomId, previous.At, ct), ct);
        var spec = config.RequiredState;
        var oldSpec = previous?.Config.RequiredState;
        var picked = new List<string>();
        var lazy = previous?.LazyMembers ?? ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);
        if (neverJoined)
        {
            if (atEnd.TryGetValue(new StateKey(EventTypes.Member, userId), out var own) && own == room.Membership.EventId) picked.Add(own);
        }
        else
        {
            foreach (var (key, eventId) in atEnd)
            {
                if (!spec.Matches(key)) continue;
                if (previous is null || before.GetValueOrDefault(key) != eventId || oldSpec is null || !oldSpec.Matches(key)) picked.Add(eventId);
            }
            if (spec.LazyMembers)
            {
                // Lazy-loaded memberships: senders and targets of the timeline, unless the client holds that member event.
                var needed = timeline.Select(r => r.Sender).Concat(timeline.Where(r => r.Type == EventTypes.Member && r.StateKey is not null).Select(r => r.StateKey!));
                foreach (var member in needed.Distinct(StringComparer.Ordinal))
                {
                    if (!atEnd.TryGetValue(new StateKey(EventTypes.Member, member), out var eventId)) continue;
                    if (lazy.GetValueOrDefault(member) != eventId) picked.Add(eventId);
                    lazy = lazy.SetItem(member, eventId);
                }
            }
        }

        var nameOrAvatarChanged = previous is null || Differs(before, atEnd, EventTypes.Name) || Differs(before, atEnd, "m.room.avatar");
        var membersChanged = previous is null || atEnd.Any(kv => kv.Key.Type == EventTypes.Member && before.GetValueOrDefault(kv.Key) != kv.Value);
        return new RoomSlice(plan, snapshot.Version, timeline, limited, picked.Distinct().ToList(), atEnd, nameOrAvatarChanged, membersChanged, end, lazy);
    }

    private static bool Differs(IReadOnlyDictionary<StateKey, string> before, IReadOnlyDictionary<StateKey, string> after, string type) =>
        before.GetValueOrDefault(new StateKey(type, "")) != after.GetValueOrDefault(new StateKey(type, ""));

    /// <summary>Whether the membership a leave or ban replaced was a join (else the user never saw the room from inside).</summary>
    private async Task<bool> WasJoinedBeforeAsync(MembershipEvent membership, CancellationToken ct) =>
        membership.ReplacesState is { } replaced
        && (await store.MembershipsOfEventsAsync([replaced], ct)).GetValueOrDefault(replaced) == Membership.Join;
}
