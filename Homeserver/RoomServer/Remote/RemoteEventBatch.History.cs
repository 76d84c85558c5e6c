using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.RoomServer.Remote;

public sealed partial class RemoteEventBatch
{
    /// <summary>
    /// The redactions that take effect with a batch of back-filled history (<paramref name="accepted"/>, judged with
    /// <see cref="AddOutlier"/>), as (target, redaction): a redaction in the batch whose target is known (in the batch or
    /// stored), and a redaction stored already (arrived live, or back-filled before) whose target the batch brings. Each is
    /// checked by <see cref="RedactionRule"/> under the power levels of the redaction's own auth events, since back-filled
    /// events have no state here (rooms v3+ "Handling redactions").
    /// </summary>
    public async Task<List<(string Target, string Redaction)>> HistoryRedactionsAsync(IReadOnlyCollection<Pdu> accepted, CancellationToken ct)
    {
        var result = new List<(string Target, string Redaction)>();
        foreach (var pdu in accepted)
        {
            if (HistoryRedactionTargetOf(pdu) is { } target) result.Add((target, pdu.EventId));
        }
        var held = await services.Rooms.RedactionsOfAsync(Start.RoomId, [.. accepted.Select(p => p.EventId)], ct);
        await LoadAsync(held, ct);
        var redactions = held.Select(id => known.GetValueOrDefault(id)).OfType<StoredEvent>().ToList();
        await LoadAsync([.. redactions.SelectMany(r => r.Pdu.AuthEventIds)], ct);
        foreach (var redaction in redactions)
        {
            if (HistoryRedactionTargetOf(redaction.Pdu) is { } target) result.Add((target, redaction.Pdu.EventId));
        }
        return [.. result.Distinct()];
    }

    /// <summary>The target of a redaction, if known, not rejected, and the redaction may take effect on it.</summary>
    private string? HistoryRedactionTargetOf(Pdu redaction)
    {
        if (redaction.Redacts is not { } target || known.GetValueOrDefault(target) is not { } targetEvent || targetEvent.Kind == EventKind.Rejected) return null;
        var authEvents = redaction.AuthEventIds.Select(id => known.GetValueOrDefault(id)?.Pdu).OfType<Pdu>().ToList();
        var powerLevels = authEvents.FirstOrDefault(p => p.Type == EventTypes.PowerLevels && p.StateKey == "");
        var create = authEvents.FirstOrDefault(p => p.Type == EventTypes.Create && p.StateKey == "") ?? CreateEventFor(redaction);
        return RedactionRule.Applies(redaction, targetEvent.Pdu.Sender, new PowerLevels(powerLevels, create, redaction.RoomVersion)) ? target : null;
    }

    private async Task LoadAsync(IEnumerable<string> ids, CancellationToken ct)
    {
        var missing = ids.Where(id => !known.ContainsKey(id)).ToHashSet(StringComparer.Ordinal);
        if (missing.Count == 0) return;
        foreach (var (id, stored) in await services.Loader.LoadAsync(missing, Start.Version, ct)) known[id] = stored;
    }
}
