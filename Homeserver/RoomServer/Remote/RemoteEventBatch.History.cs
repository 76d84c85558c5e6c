using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.RoomServer.Remote;

public sealed partial class RemoteEventBatch
{
    /// <summary>Redactions stored before the events of this batch they target (target → redaction ids), read by <see cref="PrefetchAsync"/>.</summary>
    private readonly Dictionary<string, List<string>> heldRedactions = new(StringComparer.Ordinal);

    /// <summary>
    /// The redactions that take effect with a batch of back-filled history (<paramref name="accepted"/>, judged with
    /// <see cref="AddOutlier"/>), as (target, redaction): a redaction in the batch whose target is known (in the batch or
    /// stored), and a redaction stored already (arrived live, or back-filled before) whose target the batch brings
    /// (rooms v3+ "Handling redactions": applied once both are known and valid).
    /// </summary>
    public List<(string Target, string Redaction)> HistoryRedactions(IReadOnlyCollection<Pdu> accepted)
    {
        var result = new List<(string Target, string Redaction)>();
        foreach (var pdu in accepted)
        {
            if (pdu.Redacts is { } target && known.GetValueOrDefault(target) is { } targetEvent && targetEvent.Kind != EventKind.Rejected
                && MayRedact(pdu, targetEvent.Pdu.Sender))
                result.Add((target, pdu.EventId));
            if (HeldRedactionOf(pdu) is { } held) result.Add((pdu.EventId, held));
        }
        return [.. result.Distinct()];
    }

    /// <summary>Reads the stored redactions of the batch's events, with their auth events, for <see cref="HeldRedactionOf"/>.</summary>
    private async Task PrefetchHeldRedactionsAsync(IReadOnlyCollection<Pdu> pdus, CancellationToken ct)
    {
        var held = await services.Rooms.RedactionsOfAsync(Start.RoomId, [.. pdus.Select(p => p.EventId)], ct);
        if (held.Count == 0) return;
        foreach (var (redaction, target) in held)
        {
            if (!heldRedactions.TryGetValue(target, out var list)) heldRedactions[target] = list = [];
            list.Add(redaction);
        }
        await LoadAsync(held.Select(h => h.EventId), ct);
        await LoadAsync(held.Select(h => known.GetValueOrDefault(h.EventId)).OfType<StoredEvent>().SelectMany(r => r.Pdu.AuthEventIds), ct);
    }

    /// <summary>A redaction stored before <paramref name="target"/> arrived that takes effect on it, if any.</summary>
    private string? HeldRedactionOf(Pdu target) =>
        heldRedactions.GetValueOrDefault(target.EventId)?.Select(id => known.GetValueOrDefault(id)).OfType<StoredEvent>()
            .FirstOrDefault(r => r.Kind is EventKind.Timeline or EventKind.Backfilled && MayRedact(r.Pdu, target.Sender))?.Pdu.EventId;

    /// <summary>
    /// <see cref="RedactionRule"/> under the power levels of the redaction's own auth events: the only state known for a
    /// back-filled redaction, and what its acceptance rested on for one stored before its target.
    /// </summary>
    private bool MayRedact(Pdu redaction, string targetSender)
    {
        var authEvents = redaction.AuthEventIds.Select(id => known.GetValueOrDefault(id)?.Pdu).OfType<Pdu>().ToList();
        var powerLevels = authEvents.FirstOrDefault(p => p.Type == EventTypes.PowerLevels && p.StateKey == "");
        var create = authEvents.FirstOrDefault(p => p.Type == EventTypes.Create && p.StateKey == "") ?? CreateEventFor(redaction);
        return RedactionRule.Applies(redaction, targetSender, new PowerLevels(powerLevels, create, redaction.RoomVersion));
    }

    private async Task LoadAsync(IEnumerable<string> ids, CancellationToken ct)
    {
        var missing = ids.Where(id => !known.ContainsKey(id)).ToHashSet(StringComparer.Ordinal);
        if (missing.Count == 0) return;
        foreach (var (id, stored) in await services.Loader.LoadAsync(missing, Start.Version, ct)) known[id] = stored;
    }
}
