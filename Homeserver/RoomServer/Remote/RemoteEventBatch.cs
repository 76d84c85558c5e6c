using System.Collections.Immutable;
using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.RoomServer.Remote;

/// <summary>
/// Steps 4–6 of "Checks performed on receipt of a PDU" for received events whose format, signatures and hashes were
/// checked already: each event is judged against its auth events (else rejected), against the state before it,
/// resolved across its <c>prev_events</c> (else rejected), and against the current state (else soft-failed), in
/// order, each on the room as the previous ones left it. Accepted events move the forward extremities and the current
/// state (resolved when branches stay open). Nothing is stored here: <see cref="ToPersist"/> is persisted in one transaction.
/// </summary>
public sealed partial class RemoteEventBatch(RoomSnapshot start, RemoteBatchServices services)
{
    private readonly Dictionary<string, StoredEvent> known = new(StringComparer.Ordinal);
    private readonly Dictionary<long, ImmutableDictionary<StateKey, string>> groupStates = [];
    private readonly Dictionary<long, int> pendingChainLengths = [];
    private readonly List<IngestedEvent> events = [];
    private readonly List<Pdu> outliers = [];
    private readonly List<PendingStateGroup> groups = [];
    private HashSet<string> referencedLater = new(StringComparer.Ordinal);

    public RoomSnapshot Start { get; } = start;

    /// <summary>The room after the events added so far.</summary>
    public RoomSnapshot Working { get; private set; } = start;

    /// <summary>The events decided so far, in order.</summary>
    public IReadOnlyList<IngestedEvent> Events => events;

    /// <summary>Whether there is anything to persist.</summary>
    public bool IsEmpty => events.Count == 0 && outliers.Count == 0;

    /// <summary>The origin of a handshake (<c>send_join</c>, <c>send_leave</c>, <c>send_knock</c>) whose accepted events are relayed with their commit.</summary>
    public string? RelayFrom { get; init; }

    public RemotePersistBatch ToPersist(RoomRow? newRoom = null) => new(Start, Working, outliers, events, groups, newRoom, RelayFrom);

    /// <summary>The stored or batched event with this id, if known.</summary>
    public StoredEvent? Find(string eventId) => known.GetValueOrDefault(eventId);

    /// <summary>
    /// Loads, in one query, what judging <paramref name="pdus"/> will read: the events themselves (already stored?),
    /// their auth and prev events, which of them stored events already cite as prev (late arrivals), and the redactions
    /// stored before them.
    /// </summary>
    public async Task PrefetchAsync(IReadOnlyCollection<Pdu> pdus, CancellationToken ct)
    {
        var ids = pdus.SelectMany(p => p.AuthEventIds.Concat(p.PrevEventIds).Append(p.EventId).Concat(p.Redacts is { } r ? [r] : []))
            .Where(id => !known.ContainsKey(id)).ToHashSet(StringComparer.Ordinal);
        // v12: events no longer cite the create event, yet the auth rules read it.
        if (Start.Version.RoomIdFromCreateEvent && Start.RoomId.Length > 1 && !known.ContainsKey("$" + Start.RoomId[1..])) ids.Add("$" + Start.RoomId[1..]);
        foreach (var (id, stored) in await services.Loader.LoadAsync(ids, Start.Version, ct)) known[id] = stored;
        referencedLater = await services.Rooms.ReferencedAsPrevAsync(pdus.Select(p => p.EventId).ToList(), ct);
        await PrefetchHeldRedactionsAsync(pdus, ct);
    }

    /// <summary>
    /// Adds an event known without its state (an auth chain or state event from a join, a fetched auth event): it must
    /// pass auth against its own auth events, which must be known; otherwise it is stored as rejected.
    /// </summary>
    public IngestResult AddOutlier(Pdu pdu, bool authorisingSignatureValid = true)
    {
        if (known.TryGetValue(pdu.EventId, out var already)) return new IngestResult(pdu.EventId, already.Kind == EventKind.Rejected ? IngestOutcome.Rejected : IngestOutcome.AlreadyKnown);
        var (verdict, missing) = CheckAuthEvents(pdu, authorisingSignatureValid);
        if (missing is not null) return new IngestResult(pdu.EventId, IngestOutcome.Dropped, missing) { MissingAuthEvents = true };
        if (verdict is not null)
        {
            Record(new IngestedEvent(pdu, EventKind.Rejected, 0, 0, null, verdict));
            return new IngestResult(pdu.EventId, IngestOutcome.Rejected, verdict);
        }
        outliers.Add(pdu);
        known[pdu.EventId] = new StoredEvent(pdu, EventKind.Outlier, 0, 0);
        return new IngestResult(pdu.EventId, IngestOutcome.Accepted);
    }

    /// <summary>Judges one event with its place in the DAG (steps 4–6) and applies it to <see cref="Working"/>.</summary>
    public async Task<IngestResult> AddAsync(Pdu pdu, bool authorisingSignatureValid, CancellationToken ct)
    {
        if (known.TryGetValue(pdu.EventId, out var already) && already.Kind != EventKind.Outlier)
            return new IngestResult(pdu.EventId, already.Kind == EventKind.Rejected ? IngestOutcome.Rejected : IngestOutcome.AlreadyKnown);

        var (authVerdict, missingAuth) = CheckAuthEvents(pdu, authorisingSignatureValid);
        if (missingAuth is not null) return new IngestResult(pdu.EventId, IngestOutcome.Dropped, missingAuth) { MissingAuthEvents = true };

        var missingPrev = pdu.PrevEventIds.Where(id => known.GetValueOrDefault(id) is not { HasState: true }).ToList();
        if (missingPrev.Count > 0 && pdu.Type != EventTypes.Create)
            return new IngestResult(pdu.EventId, IngestOutcome.Dropped, "prev events unknown (or known without state): " + string.Join(", ", missingPrev)) { MissingPrevEvents = true };

        var (beforeGroup, beforeState) = await StateBeforeAsync(pdu, ct);
        if (authVerdict is not null) return Reject(pdu, beforeGroup, authVerdict);

        var againstBefore = await AuthorizeAgainstAsync(pdu, beforeState, ct);
        if (!againstBefore.IsAllowed) return Reject(pdu, beforeGroup, "state before the event: " + againstBefore);

        // Step 6 only differs from step 5 when the event does not build on the current state (an old branch).
        var softFailed = beforeGroup != Working.StateGroup && !(await AuthorizeAgainstAsync(pdu, Working.State, ct)).IsAllowed;

        var (afterGroup, afterState) = (beforeGroup, beforeState);
        string? replaces = null;
        if (pdu.StateTuple is { } key)
        {
            replaces = beforeState.GetValueOrDefault(key);
            afterState = beforeState.SetItem(key, pdu.EventId);
            afterGroup = await NewGroupAsync(beforeGroup, beforeState, afterState, ct);
        }

        var kind = softFailed ? EventKind.SoftFailed : EventKind.Timeline;
        var ingested = new IngestedEvent(pdu, kind, beforeGroup, afterGroup, replaces)
        {
            RedactionTarget = kind == EventKind.Timeline ? RedactionTargetOf(pdu, beforeState) : null,
            RedactedBy = HeldRedactionOf(pdu),
        };
        Record(ingested);
        if (kind == EventKind.Timeline) await AdvanceAsync(pdu, afterGroup, afterState, ct);
        return new IngestResult(pdu.EventId, softFailed ? IngestOutcome.SoftFailed : IngestOutcome.Accepted,
            softFailed ? "not allowed by the current state of the room" : null);
    }

    private IngestResult Reject(Pdu pdu, long beforeGroup, string reason)
    {
        Record(new IngestedEvent(pdu, EventKind.Rejected, beforeGroup, beforeGroup, null, reason));
        return new IngestResult(pdu.EventId, IngestOutcome.Rejected, reason);
    }

    private void Record(IngestedEvent e)
    {
        events.Add(e);
        known[e.Pdu.EventId] = new StoredEvent(e.Pdu, e.Kind, e.StateGroupBefore, e.StateGroupAfter);
    }
}
