using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

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

    /// <summary>Statements (<see cref="DirectCommand"/> SQL and values) to run before the rows go in, in order.</summary>
    public List<(string Sql, object?[] Values)> Statements { get; } = [];

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

    /// <summary>
    /// Writes every list now, inside the transaction open on <paramref name="db"/>. On PostgreSQL the statements and
    /// the short lists travel in one batch (one round trip for a message instead of one per statement); long lists
    /// go first as binary <c>COPY</c>s. With <paramref name="commit"/> (PostgreSQL only, when nothing else is left to
    /// write) the batch ends with the transaction's <c>COMMIT</c>: the server runs it only if every statement before it
    /// succeeded, and answers once it is durable, as a separate commit would. Client transaction ids go in key order,
    /// so that two batches holding the same ones wait for each other instead of deadlocking.
    /// </summary>
    public async Task FlushAsync(HomeserverDbContext db, CancellationToken ct, bool commit = false)
    {
        if (Transactions.Count > 1) Transactions.Sort(static (a, b) => KeyOrder(a, b));
        NpgsqlBatch? batch = null;
        if (db.Database.GetDbConnection() is NpgsqlConnection npgsql)
        {
            batch = new NpgsqlBatch(npgsql, (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction()
                ?? throw new InvalidOperationException("pending rows are written inside the persister's transaction"));
            foreach (var (sql, values) in Statements) batch.BatchCommands.Add(DirectCommand.ForBatch(sql, values));
        }
        else
        {
            foreach (var (sql, values) in Statements) await DirectCommand.ExecuteAsync(db, sql, ct, values);
        }
        await using (batch)
        {
            await BulkInsert.InsertAsync(db, StateGroups, ct, batch);
            await BulkInsert.InsertAsync(db, StateGroupEntries, ct, batch);
            await BulkInsert.InsertAsync(db, Events, ct, batch);
            await BulkInsert.InsertAsync(db, Edges, ct, batch);
            await BulkInsert.InsertAsync(db, AuthEdges, ct, batch);
            await BulkInsert.InsertAsync(db, CurrentState, ct, batch);
            await BulkInsert.InsertAsync(db, UserDirectory, ct, batch);
            await BulkInsert.InsertAsync(db, Transactions, ct, batch);
            await BulkInsert.InsertAsync(db, Extremities, ct, batch);
            await BulkInsert.InsertAsync(db, PushActions, ct, batch);
            if (batch is not null) EventSearchIndex.AddInserts(batch, Search);
            else await EventSearchIndex.InsertAsync(db, Search, ct);
            if (commit)
            {
                if (batch is null) throw new InvalidOperationException("only a PostgreSQL batch carries its commit");
                batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            }
            if (batch is { BatchCommands.Count: > 0 }) await batch.ExecuteNonQueryAsync(ct);
        }
    }

    private static int KeyOrder(EventTxnRow a, EventTxnRow b)
    {
        var order = string.CompareOrdinal(a.UserId, b.UserId);
        if (order == 0) order = string.CompareOrdinal(a.DeviceId, b.DeviceId);
        return order != 0 ? order : string.CompareOrdinal(a.TxnId, b.TxnId);
    }
}
