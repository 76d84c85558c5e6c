using System.Text.Json.Nodes;
using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// The persistent per-destination queue of the federation sender. Local events enter it by stream position in their
/// own transaction (<see cref="LocalEventFanout"/>), so do remote events we accepted as the resident server of a
/// membership handshake (<see cref="LocalEventFanout.BeginRelayAsync"/>); EDUs from <see cref="EnqueueEdu"/>. Items leave only when a transaction
/// holding them got its 200.
/// </summary>
public sealed class FederationOutboxStore(HomeserverDbContext db)
{
    public const int MaxPdus = 50;
    public const int MaxEdus = 100;

    /// <summary>
    /// Up to where local device list changes have been turned into EDUs, tracked for the caller to advance before it
    /// saves; null on a fresh database, which then starts at <paramref name="upTo"/> (old changes are not resent).
    /// </summary>
    public async Task<DeviceListFanoutRow?> DeviceListPositionAsync(long upTo, CancellationToken ct)
    {
        var row = await db.DeviceListFanout.TagWith("FederationOutbox.DeviceListPosition").SingleOrDefaultAsync(r => r.Id == 1, ct);
        if (row is not null) return row;
        db.DeviceListFanout.Add(new DeviceListFanoutRow { Id = 1, Position = upTo });
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Stages one EDU per destination; the caller saves.</summary>
    public void EnqueueEdu(IEnumerable<string> destinations, string eduType, string json, long now)
    {
        foreach (var destination in destinations)
        {
            db.FederationOutbox.Add(new FederationOutboxRow { Destination = destination, EduType = eduType, EduJson = json, CreatedTs = now });
        }
    }

    public Task SaveAsync(CancellationToken ct) => db.SaveChangesAsync(ct);

    /// <summary>Destinations with queued items whose back-off has passed.</summary>
    public async Task<List<string>> DueDestinationsAsync(long now, CancellationToken ct)
    {
        var waiting = await db.FederationDestinations.TagWith("FederationOutbox.BackedOff").AsNoTracking()
            .Where(d => d.RetryAtTs > now).Select(d => d.Destination).ToListAsync(ct);
        return await db.FederationOutbox.TagWith("FederationOutbox.Due").AsNoTracking()
            .Where(o => !waiting.Contains(o.Destination)).Select(o => o.Destination).Distinct().ToListAsync(ct);
    }

    /// <summary>The earliest moment a backed-off destination with queued items may be tried again, if any.</summary>
    public async Task<long?> NextRetryAsync(long now, CancellationToken ct) =>
        await db.FederationDestinations.TagWith("FederationOutbox.NextRetry").AsNoTracking()
            .Where(d => d.RetryAtTs > now && db.FederationOutbox.Any(o => o.Destination == d.Destination))
            .MinAsync(d => (long?)d.RetryAtTs, ct);

    /// <summary>
    /// The transaction to send to <paramref name="destination"/>: the one already under way (same id, same items,
    /// as "The sending server must wait and retry for a 200 OK response before sending a transaction with a
    /// different txnId"), else a new one of the oldest items, at most 50 PDUs and 100 EDUs. Null when nothing waits.
    /// </summary>
    public async Task<OutboundTransaction?> NextTransactionAsync(string destination, long now, CancellationToken ct)
    {
        var rows = await db.FederationOutbox.TagWith("FederationOutbox.Pending")
            .Where(o => o.Destination == destination && o.TxnId != null).OrderBy(o => o.Id).ToListAsync(ct);
        if (rows.Count == 0)
        {
            var oldest = await db.FederationOutbox.TagWith("FederationOutbox.Oldest")
                .Where(o => o.Destination == destination && o.TxnId == null).OrderBy(o => o.Id).Take(MaxPdus + MaxEdus).ToListAsync(ct);
            rows = [.. oldest.Where(o => o.StreamOrdering is not null).Take(MaxPdus), .. oldest.Where(o => o.StreamOrdering is null).Take(MaxEdus)];
            if (rows.Count == 0) return null;
            var counter = await db.FederationDestinations.SingleOrDefaultAsync(d => d.Destination == destination, ct);
            if (counter is null)
            {
                counter = new FederationDestinationRow { Destination = destination };
                db.FederationDestinations.Add(counter);
            }
            counter.TxnCounter++;
            var txnId = $"{now}_{counter.TxnCounter}";
            foreach (var row in rows) row.TxnId = txnId;
            await db.SaveChangesAsync(ct);
        }

        var orderings = rows.Where(r => r.StreamOrdering is not null).Select(r => r.StreamOrdering!.Value).ToList();
        var json = await db.Events.TagWith("FederationOutbox.Pdus").AsNoTracking()
            .Where(e => orderings.Contains(e.StreamOrdering)).OrderBy(e => e.StreamOrdering).Select(e => e.Json).ToListAsync(ct);
        var pdus = json.Select(j => JsonNode.Parse(j)!.AsObject()).ToList();
        var edus = rows.Where(r => r.EduType is not null)
            .Select(r => new JsonObject { ["edu_type"] = r.EduType, ["content"] = JsonNode.Parse(r.EduJson!) }).ToList();
        return new OutboundTransaction(rows[0].TxnId!, pdus, edus);
    }

    /// <summary>The transaction was answered (or refused for good): its items leave the queue and the back-off resets.</summary>
    public async Task CompleteAsync(string destination, string txnId, CancellationToken ct)
    {
        await db.FederationOutbox.TagWith("FederationOutbox.Complete").Where(o => o.Destination == destination && o.TxnId == txnId).ExecuteDeleteAsync(ct);
        await db.FederationDestinations.TagWith("FederationOutbox.Reset").Where(d => d.Destination == destination)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Failures, 0).SetProperty(d => d.RetryAtTs, 0L), ct);
    }

    /// <summary>Records a failed attempt; returns the number of consecutive failures.</summary>
    public async Task<int> FailAsync(string destination, Func<int, long> retryAt, CancellationToken ct)
    {
        var row = await db.FederationDestinations.SingleOrDefaultAsync(d => d.Destination == destination, ct);
        if (row is null)
        {
            row = new FederationDestinationRow { Destination = destination };
            db.FederationDestinations.Add(row);
        }
        row.Failures++;
        row.RetryAtTs = retryAt(row.Failures);
        await db.SaveChangesAsync(ct);
        return row.Failures;
    }

    /// <summary>Destinations currently backing off (read at start so that a request from one of them still clears it).</summary>
    public Task<List<string>> BackedOffAsync(CancellationToken ct) =>
        db.FederationDestinations.TagWith("FederationOutbox.BackedOffAll").AsNoTracking().Where(d => d.RetryAtTs > 0).Select(d => d.Destination).ToListAsync(ct);

    /// <summary>The destination showed it is up (it sent us a request): try it now.</summary>
    public Task<int> ClearBackoffAsync(string destination, CancellationToken ct) =>
        db.FederationDestinations.TagWith("FederationOutbox.ClearBackoff").Where(d => d.Destination == destination && d.RetryAtTs > 0)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.RetryAtTs, 0L), ct);

}

/// <summary>One transaction for a destination: its id, PDUs in stream order, EDUs in queue order.</summary>
public sealed record OutboundTransaction(string TxnId, IReadOnlyList<JsonObject> Pdus, IReadOnlyList<JsonObject> Edus);
