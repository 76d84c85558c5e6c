using System.Collections.Immutable;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.RoomServer.Remote;

public sealed partial class RemoteEventBatch
{
    /// <summary>
    /// An event whose prev events stay unknown after <c>/get_missing_events</c> (a gap larger than it fills): its state
    /// before is the state its sender returned from <c>/state_ids</c> (those events known by now, as outliers; rejected
    /// ones left out), since it cannot be worked out from its prev events here. Then the usual steps: auth events
    /// (reject), that state (reject), the current state resolved with that state (soft-fail). Accepted, it becomes a forward extremity next to
    /// the existing ones, and the current state is their resolution (state resolution across the branches).
    /// </summary>
    public async Task<IngestResult> AddWithStateBeforeAsync(Pdu pdu, IReadOnlyCollection<string> stateEventIds, bool authorisingSignatureValid, CancellationToken ct)
    {
        if (known.TryGetValue(pdu.EventId, out var already) && already.Kind != EventKind.Outlier)
            return new IngestResult(pdu.EventId, already.Kind == EventKind.Rejected ? IngestOutcome.Rejected : IngestOutcome.AlreadyKnown);
        var unknown = stateEventIds.Where(id => !known.ContainsKey(id)).ToList();
        if (unknown.Count > 0)
        {
            foreach (var (id, stored) in await services.Loader.LoadAsync(unknown, Start.Version, ct)) known[id] = stored;
        }

        var (authVerdict, missingAuth) = CheckAuthEvents(pdu, authorisingSignatureValid);
        if (missingAuth is not null) return new IngestResult(pdu.EventId, IngestOutcome.Dropped, missingAuth) { MissingAuthEvents = true };

        var builder = ImmutableDictionary.CreateBuilder<StateKey, string>();
        foreach (var id in stateEventIds)
        {
            if (known.GetValueOrDefault(id) is { Kind: not EventKind.Rejected, Pdu.StateTuple: { } key }) builder[key] = id;
        }
        var beforeState = builder.ToImmutable();
        var beforeGroup = await NewGroupAsync(Working.StateGroup, Working.State, beforeState, ct);
        if (authVerdict is not null) return Reject(pdu, beforeGroup, authVerdict);
        var againstBefore = await AuthorizeAgainstAsync(pdu, beforeState, ct);
        if (!againstBefore.IsAllowed) return Reject(pdu, beforeGroup, "state before the event: " + againstBefore);
        // Step 6's current state includes what the sender's state brings, as Synapse does: the resolution of the current
        // state and the state before the event (else every event after a gap by someone who joined in it would soft-fail).
        var current = await services.Resolver.ResolveAsync(Start.Version, [Working.State, beforeState], known, ct);
        var softFailed = !(await AuthorizeAgainstAsync(pdu, current, ct)).IsAllowed;

        var (afterGroup, afterState) = (beforeGroup, beforeState);
        string? replaces = null;
        if (pdu.StateTuple is { } stateKey)
        {
            replaces = beforeState.GetValueOrDefault(stateKey);
            afterState = beforeState.SetItem(stateKey, pdu.EventId);
            afterGroup = await NewGroupAsync(beforeGroup, beforeState, afterState, ct);
        }
        var kind = softFailed ? EventKind.SoftFailed : EventKind.Timeline;
        Record(new IngestedEvent(pdu, kind, beforeGroup, afterGroup, replaces)
        {
            RedactionTarget = kind == EventKind.Timeline ? RedactionTargetOf(pdu, beforeState) : null,
            RedactedBy = HeldRedactionOf(pdu),
        });
        if (kind == EventKind.Timeline) await AdvanceAsync(pdu, afterGroup, afterState, ct);
        return new IngestResult(pdu.EventId, softFailed ? IngestOutcome.SoftFailed : IngestOutcome.Accepted,
            softFailed ? "not allowed by the current state of the room" : null);
    }
}
