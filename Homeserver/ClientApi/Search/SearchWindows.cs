using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.ClientApi.Filters;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Search;

/// <summary>
/// Which events a user may find ("Server Side Search": "only events the user is allowed to see"): in every room they
/// are or were joined to, each stretch of the stream from a join to the membership that ended it (or to now); the
/// first stretch reaches back to the room's start when its history visibility is <c>shared</c> (the default) or
/// <c>world_readable</c>, to the invite that preceded the join when it is <c>invited</c>. Visibility is the room's
/// current setting, not the setting each event was sent under: a simplification that errs on the side of showing less
/// only when a room was made more open later.
/// </summary>
public sealed class SearchWindows(RoomStore rooms, RoomSummaryStore summaries)
{
    public async Task<List<SearchWindow>> ForUserAsync(string userId, RoomEventFilter filter, CancellationToken ct)
    {
        var changes = await rooms.MembershipChangesAsync(userId, 0, long.MaxValue, ct);
        var byRoom = changes.Where(e => filter.AllowsRoom(e.RoomId)).GroupBy(e => e.RoomId).ToList();
        var visibility = await summaries.HistoryVisibilitiesAsync(byRoom.Select(g => g.Key).ToList(), ct);
        var windows = new List<SearchWindow>();
        foreach (var room in byRoom)
        {
            long? joinedAt = null, invitedAt = null;
            var stretches = new List<(long From, long To)>();
            foreach (var change in room)
            {
                if (change.Membership == Membership.Join) joinedAt ??= change.StreamOrdering;
                else if (joinedAt is { } from)
                {
                    stretches.Add((from, change.StreamOrdering));
                    joinedAt = null;
                }
                if (change.Membership == Membership.Invite && stretches.Count == 0 && joinedAt is null) invitedAt ??= change.StreamOrdering;
            }
            if (joinedAt is { } open) stretches.Add((open, long.MaxValue));
            if (stretches.Count == 0) continue;
            stretches[0] = (visibility.GetValueOrDefault(room.Key) switch
            {
                "joined" => stretches[0].From,
                "invited" => invitedAt ?? stretches[0].From,
                _ => 0,
            }, stretches[0].To);
            windows.AddRange(stretches.Select(s => new SearchWindow(room.Key, s.From, s.To)));
        }
        return windows;
    }
}
