using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// Runs in-memory invalidations when a change becomes visible: at once (so nothing reads the old value from memory
/// while the change is being written) and again after the enclosing transaction commits (so a reader that loaded the
/// old committed value in between is thrown away too). Registered on every context as a transaction interceptor.
/// </summary>
public sealed class AfterCommit : DbTransactionInterceptor
{
    private static readonly ConditionalWeakTable<DbContext, List<Action>> Pending = [];

    /// <summary>Runs <paramref name="invalidate"/> now, and again when the context's current transaction commits.</summary>
    public static void Invalidate(DbContext db, Action invalidate)
    {
        invalidate();
        if (db.Database.CurrentTransaction is null) return;
        var list = Pending.GetOrCreateValue(db);
        lock (list) list.Add(invalidate);
    }

    /// <summary>
    /// The context's transaction committed without EF seeing it: on PostgreSQL a <c>COMMIT</c> sent in one batch with the
    /// last rows (<see cref="PendingRows.FlushAsync"/>).
    /// </summary>
    public static void Committed(DbContext db) => Flush(db);

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Flush(eventData.Context);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Flush(eventData.Context);
        return Task.CompletedTask;
    }

    // A rolled-back change never became visible; running the invalidation anyway is harmless and keeps this simple.
    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Flush(eventData.Context);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Flush(eventData.Context);
        return Task.CompletedTask;
    }

    private static void Flush(DbContext? db)
    {
        if (db is null || !Pending.TryGetValue(db, out var list)) return;
        Action[] actions;
        lock (list)
        {
            actions = [.. list];
            list.Clear();
        }
        foreach (var action in actions) action();
    }
}
