using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// New rows of a batch, written with <see cref="BulkInsert"/> in the persister's transaction rather than through EF's
/// change tracker: a join brings the room's whole state at once, and for a local message the tracker's work cost more
/// CPU than SQLite's. Only rows no other part of the unit of work touches.
/// </summary>
public sealed class PendingRows
{
    public List<EventRow> Events { get; } = [];
    public List<EventEdgeRow> Edges { get; } = [];
    public List<EventAuthEdgeRow> AuthEdges { get; } = [];
    public List<StateGroupRow> StateGroups { get; } = [];
    public List<StateGroupEntryRow> StateGroupEntries { get; } = [];
    public List<CurrentStateRow> CurrentState { get; } = [];
    public List<UserDirectoryRow> UserDirectory { get; } = [];
    public List<EventSearchIndex.Entry> Search { get; } = [];
    public List<EventTxnRow> Transactions { get; } = [];
    public List<ForwardExtremityRow> Extremities { get; } = [];
    public List<PushActionRow> PushActions { get; } = [];

    public void AddEdges(Pdu pdu, bool prevEdges, bool authEdges)
    {
        if (prevEdges)
        {
            foreach (var prev in pdu.PrevEventIds.Distinct(StringComparer.Ordinal)) Edges.Add(new EventEdgeRow { EventId = pdu.EventId, PrevEventId = prev });
        }
        if (authEdges)
        {
            foreach (var auth in pdu.AuthEventIds.Distinct(StringComparer.Ordinal)) AuthEdges.Add(new EventAuthEdgeRow { EventId = pdu.EventId, AuthEventId = auth });
        }
    }

    /// <summary>Writes every list now, inside the transaction open on <paramref name="db"/>.</summary>
    public async Task FlushAsync(HomeserverDbContext db, CancellationToken ct)
    {
        await BulkInsert.InsertAsync(db, StateGroups, ct);
        await BulkInsert.InsertAsync(db, StateGroupEntries, ct);
        await BulkInsert.InsertAsync(db, Events, ct);
        await BulkInsert.InsertAsync(db, Edges, ct);
        await BulkInsert.InsertAsync(db, AuthEdges, ct);
        await BulkInsert.InsertAsync(db, CurrentState, ct);
        await BulkInsert.InsertAsync(db, UserDirectory, ct);
        await BulkInsert.InsertAsync(db, Transactions, ct);
        await BulkInsert.InsertAsync(db, Extremities, ct);
        await BulkInsert.InsertAsync(db, PushActions, ct);
        await EventSearchIndex.InsertAsync(db, Search, ct);
    }
}
