using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.FederationApi;

/// <summary>
/// History visibility for a requesting server (<c>/backfill</c>, <c>/get_missing_events</c>, <c>/event</c>): the spec
/// states the rule for users only, so this follows Synapse's reading of it for servers
/// (<see cref="HistoryVisibility.ServerMaySee"/>): an event is seen in full when the visibility at it is
/// <c>world_readable</c> or <c>shared</c>, or when one of the server's users had the membership <c>invited</c> /
/// <c>joined</c> need at the event (or after it, for a visibility change or that user's own member event). Anything
/// else is served redacted, not dropped, so the other server can still walk and authorise the DAG.
/// </summary>
public sealed class ServerVisibilityFilter(VisibilityStateReader states)
{
    /// <summary>The ids of the events of <paramref name="events"/> that <paramref name="origin"/> may see only redacted.</summary>
    public async Task<HashSet<string>> RedactedForAsync(string origin, string roomId, IReadOnlyCollection<EventRow> events, CancellationToken ct)
    {
        var suffix = ":" + origin;
        var at = await states.ReadAsync(roomId, events, key => key.EndsWith(suffix, StringComparison.Ordinal), ct);
        return events.Where(e => !at[e.EventId].Allows(state => HistoryVisibility.ServerMaySee(state.Visibility, state.Memberships)))
            .Select(e => e.EventId).ToHashSet(StringComparer.Ordinal);
    }
}
