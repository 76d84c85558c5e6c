using System.Collections.Immutable;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Federation.Protocol.StateResolution;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.RoomServer.Remote;

/// <summary>
/// Runs the room version's state resolution ("Room State Resolution") over stored state: preloads the events of the
/// state sets and their whole auth chains (the pure resolver is synchronous), from memory where the batch has them and
/// from the database otherwise, and marks rejected ones so they never act as auth events.
/// </summary>
public sealed class RoomStateResolver(RoomStore rooms, RoomEventLoader loader)
{
    public async Task<ImmutableDictionary<StateKey, string>> ResolveAsync(
        RoomVersion version, IReadOnlyList<ImmutableDictionary<StateKey, string>> stateSets, IReadOnlyDictionary<string, StoredEvent> inMemory, CancellationToken ct)
    {
        var distinct = stateSets.Distinct().ToList();
        if (distinct.Count == 1) return distinct[0];
        if (distinct.Count == 0) return ImmutableDictionary<StateKey, string>.Empty;

        var events = new Dictionary<string, StoredEvent>(StringComparer.Ordinal);
        var pending = distinct.SelectMany(s => s.Values).ToHashSet(StringComparer.Ordinal);
        while (pending.Count > 0)
        {
            var fromDb = new List<string>();
            var next = new HashSet<string>(StringComparer.Ordinal);
            foreach (var id in pending)
            {
                if (events.ContainsKey(id)) continue;
                if (inMemory.TryGetValue(id, out var known))
                {
                    events[id] = known;
                    foreach (var authId in known.Pdu.AuthEventIds) next.Add(authId);
                }
                else
                {
                    fromDb.Add(id);
                }
            }
            if (fromDb.Count > 0)
            {
                // Stored events have their whole auth chain stored: one walk brings all of it.
                var chain = await rooms.AuthChainIdsAsync(fromDb, ct);
                var wanted = fromDb.Concat(chain).Where(id => !events.ContainsKey(id)).Distinct(StringComparer.Ordinal).ToList();
                foreach (var (id, stored) in await loader.LoadAsync(wanted, version, ct)) events[id] = stored;
            }
            pending = next;
        }

        var source = new PreloadedEventSource(events.Values.Select(e => e.Pdu), events.Values.Where(e => e.Kind == EventKind.Rejected).Select(e => e.Pdu.EventId));
        var sets = distinct.Select(s => (IReadOnlyDictionary<StateKey, string>)s).ToList();
        return StateResolver.Resolve(version, sets, source).State.ToImmutableDictionary();
    }
}
