using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Federation.Protocol.RoomVersions;

namespace Messenger.Homeserver.RoomServer.Remote;

public sealed partial class RemoteEventIngest
{
    /// <summary>The most events one backfill request asks for.</summary>
    public const int MaxBackfill = 100;

    /// <summary>
    /// "Backfilling and retrieving missing events": fetches up to <paramref name="limit"/> events older than this
    /// server's earliest event of the room (<c>GET /backfill</c> from it, asking the servers with joined members in turn
    /// until one answers) and stores them as history (<see cref="Storage.Rows.EventKind.Backfilled"/>). Each is checked
    /// like any received event (format, signatures, hash; redacted on a mismatch) and authorised against its own auth
    /// events, whose auth chain is fetched from the same server when unknown; failures are dropped or stored rejected.
    /// Redactions take effect as live ones do (<see cref="RemoteEventBatch.HistoryRedactions"/>): one in the batch on
    /// its known target, and one held already on its target arriving now.
    /// Nothing happens when the room's history here already starts at its create event. Returns how many events were
    /// added to the room's history.
    /// </summary>
    public async Task<int> BackfillAsync(string roomId, int limit, CancellationToken ct)
    {
        if (await RoomVersionAsync(roomId, ct) is not { } version) return 0;
        var earliest = await rooms.EarliestEventAsync(roomId, ct);
        if (earliest is null || earliest.Type == EventTypes.Create) return 0;
        foreach (var server in await ServersToAskAsync(roomId, ct))
        {
            var received = await fetcher.BackfillAsync(server, roomId, [earliest.EventId], Math.Clamp(limit, 1, MaxBackfill), ct);
            if (received.Count == 0) continue;
            return await StoreBackfillAsync(roomId, version, server, received, earliest.Depth, ct);
        }
        return 0;
    }

    /// <summary>The other servers with members joined to the room, the most members first.</summary>
    private async Task<List<string>> ServersToAskAsync(string roomId, CancellationToken ct) =>
        (await rooms.MembersAsync(roomId, Membership.Join, ct))
            .Select(m => UserId.TryParse(m, out var user) ? user.ServerName.Value : null).OfType<string>()
            .Where(s => s != context.ServerName)
            .GroupBy(s => s, StringComparer.Ordinal).OrderByDescending(g => g.Count()).Select(g => g.Key).ToList();

    private async Task<int> StoreBackfillAsync(string roomId, RoomVersion version, string server, IReadOnlyList<JsonObject> received, long depthCeiling, CancellationToken ct)
    {
        var valid = (await checks.CheckAsync(received, version, roomId, ct)).Where(c => c.Pdu is not null).DistinctBy(c => c.Pdu!.EventId).ToList();
        if (valid.Count == 0) return 0;
        for (var attempt = 0; ; attempt++)
        {
            var judged = new List<BackfilledEvent>();
            var lackingAuth = new List<Pdu>();
            using (await context.Locks.AcquireAsync(roomId, ct))
            {
                var snapshot = await pipeline.SnapshotAsync(roomId, ct) ?? throw new InvalidOperationException($"room {roomId} has no snapshot");
                var batch = new RemoteEventBatch(snapshot, batchServices);
                await batch.PrefetchAsync([.. valid.Select(c => c.Pdu!)], ct);
                // Auth order within the batch: an older member's join authorises their messages in the same answer.
                foreach (var pdu in RemoteEventBatch.InOrder(valid.Select(c => c.Pdu!), p => p.AuthEventIds))
                {
                    var verdict = batch.AddOutlier(pdu, valid.First(c => c.Pdu!.EventId == pdu.EventId).AuthorisingSignatureValid);
                    if (verdict.MissingAuthEvents) lackingAuth.Add(pdu);
                    else judged.Add(new BackfilledEvent(pdu, verdict.Outcome == IngestOutcome.Rejected ? verdict.Reason ?? "rejected" : null));
                }
                if (lackingAuth.Count == 0 || attempt > 0)
                {
                    var redactions = batch.HistoryRedactions([.. judged.Where(j => j.Rejection is null).Select(j => j.Pdu)]);
                    return await pipeline.PersistBackfillAsync(roomId, judged, redactions, depthCeiling, ct);
                }
            }
            foreach (var pdu in lackingAuth) await IngestOutliersAsync(roomId, await fetcher.AuthChainAsync(server, roomId, pdu.EventId, ct), ct);
        }
    }
}
