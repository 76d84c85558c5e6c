using System.Collections.Immutable;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.RoomServer.Remote;

public sealed partial class RemoteEventBatch
{
    /// <summary>
    /// Orders events so that each comes after its <paramref name="parents"/> (auth events: the order in which outliers can
    /// be judged; prev events: the order of a transaction), and otherwise by depth. Parents outside the list are taken as known.
    /// </summary>
    public static List<Pdu> InOrder(IEnumerable<Pdu> pdus, Func<Pdu, IReadOnlyList<string>> parents)
    {
        var byId = new Dictionary<string, Pdu>(StringComparer.Ordinal);
        foreach (var pdu in pdus) byId.TryAdd(pdu.EventId, pdu);
        var ordered = new List<Pdu>(byId.Count);
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: visiting, true: done
        foreach (var pdu in byId.Values.OrderBy(p => p.Depth).ThenBy(p => p.EventId, StringComparer.Ordinal))
        {
            var stack = new Stack<(Pdu Pdu, int Next)>();
            if (state.ContainsKey(pdu.EventId)) continue;
            stack.Push((pdu, 0));
            state[pdu.EventId] = false;
            while (stack.TryPop(out var frame))
            {
                var auth = parents(frame.Pdu);
                if (frame.Next < auth.Count)
                {
                    stack.Push((frame.Pdu, frame.Next + 1));
                    // A cycle (only a forged chain has one) is cut here; the auth checks then reject what it cannot support.
                    if (byId.TryGetValue(auth[frame.Next], out var child) && !state.ContainsKey(child.EventId))
                    {
                        state[child.EventId] = false;
                        stack.Push((child, 0));
                    }
                    continue;
                }
                state[frame.Pdu.EventId] = true;
                ordered.Add(frame.Pdu);
            }
        }
        return ordered;
    }

    /// <summary>
    /// The event that brings a room to this server ("Joining Rooms"): its state before is the state the resident server
    /// returned with <c>send_join</c> (already added as outliers, minus any rejected), not something we can work out.
    /// It must pass auth against its auth events and that state; the room then starts from it: its state is the current
    /// state and it is the one forward extremity.
    /// </summary>
    public async Task<IngestResult> AddJoinAsync(Pdu join, IEnumerable<string> stateEventIds, CancellationToken ct)
    {
        var (authVerdict, missing) = CheckAuthEvents(join, authorisingSignatureValid: true);
        if (missing is not null) return new IngestResult(join.EventId, IngestOutcome.Dropped, missing);
        if (authVerdict is not null) return new IngestResult(join.EventId, IngestOutcome.Dropped, authVerdict);

        var builder = ImmutableDictionary.CreateBuilder<StateKey, string>();
        foreach (var id in stateEventIds)
        {
            if (known.GetValueOrDefault(id) is { Kind: not EventKind.Rejected, Pdu.StateTuple: { } key }) builder[key] = id;
        }
        var before = builder.ToImmutable();
        var beforeGroup = await NewGroupAsync(0, ImmutableDictionary<StateKey, string>.Empty, before, ct);
        var verdict = await AuthorizeAgainstAsync(join, before, ct);
        if (!verdict.IsAllowed) return new IngestResult(join.EventId, IngestOutcome.Dropped, "state before the join: " + verdict);

        var after = before.SetItem(join.StateTuple!.Value, join.EventId);
        var afterGroup = await NewGroupAsync(beforeGroup, before, after, ct);
        Record(new IngestedEvent(join, EventKind.Timeline, beforeGroup, afterGroup, before.GetValueOrDefault(join.StateTuple!.Value)));
        Working = Working with { State = after, StateGroup = afterGroup, Extremities = [join.EventId], MaxDepth = join.Depth };
        return new IngestResult(join.EventId, IngestOutcome.Accepted);
    }
}
