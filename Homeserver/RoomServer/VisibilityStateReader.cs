using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.RoomServer;

/// <summary>
/// Reads what the history visibility rule (<see cref="HistoryVisibility"/>) needs at each of some events: the visibility
/// and the viewer's memberships in the state before the event, and after it where that counts. The viewer is a user
/// (client API) or every user of a server (federation reads), named by a test on member state keys. Events sharing a
/// state group share one state read and the visibility and member events of all of them come in one query, so a page
/// of 100 events of a quiet room costs one state read, not 100. Backfilled history has no state here: it is judged by
/// the state where this server's history of the room starts. Outliers have no state either and count as under an empty
/// one (<c>shared</c>), as Synapse treats them.
/// </summary>
public sealed class VisibilityStateReader(RoomStore rooms)
{
    private static readonly StateKey VisibilityKey = new(EventTypes.HistoryVisibility, "");

    public async Task<Dictionary<string, VisibilityAtEvent>> ReadAsync(string roomId, IReadOnlyCollection<EventRow> events, Func<string, bool> isViewer, CancellationToken ct)
    {
        var result = new Dictionary<string, VisibilityAtEvent>(StringComparer.Ordinal);
        if (events.Count == 0) return result;
        var historyStart = events.Any(e => e.Kind == EventKind.Backfilled) ? await rooms.EarliestTimelineStateGroupAsync(roomId, ct) : 0;
        long Before(EventRow e) => e.Kind == EventKind.Backfilled ? historyStart : e.StateGroupBefore;
        long After(EventRow e) => e.Kind == EventKind.Backfilled ? historyStart : e.StateGroupAfter;
        bool AfterCounts(EventRow e) => HistoryVisibility.AfterCounts(e.Type, e.StateKey, isViewer);

        var states = new Dictionary<long, ImmutableDictionary<StateKey, string>>();
        foreach (var group in events.Select(Before).Concat(events.Where(AfterCounts).Select(After)).Distinct())
            states[group] = await rooms.StateGroupAsync(group, ct);
        // Per group: the visibility event and the viewer's member events (a server's users in a big room: scan once per group).
        var relevant = states.ToDictionary(kv => kv.Key, kv => (
            Visibility: kv.Value.GetValueOrDefault(VisibilityKey),
            Members: kv.Value.Where(s => s.Key.Type == EventTypes.Member && isViewer(s.Key.Key)).Select(s => s.Value).ToList()));
        var ids = relevant.Values.SelectMany(r => r.Members.Append(r.Visibility)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var rows = (await rooms.StoredEventsAsync(ids, ct)).ToDictionary(r => r.EventId, StringComparer.Ordinal);

        var viewerStates = relevant.ToDictionary(kv => kv.Key, kv => new ViewerState(
            HistoryVisibility.Effective(kv.Value.Visibility is { } id && rows.TryGetValue(id, out var row) ? JsonNode.Parse(row.Json)?["content"] as JsonObject : null),
            [.. kv.Value.Members.Select(m => rows.GetValueOrDefault(m)?.Membership).OfType<string>()]));
        foreach (var e in events)
            result[e.EventId] = new VisibilityAtEvent(viewerStates[Before(e)], AfterCounts(e) ? viewerStates[After(e)] : null);
        return result;
    }
}
