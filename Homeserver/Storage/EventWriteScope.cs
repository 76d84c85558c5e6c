using Microsoft.EntityFrameworkCore.Storage;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// One event batch's hold on the write gate (<see cref="EventTransactions"/>): the context to write with, and
/// <see cref="CommittedAsync"/> to call right after the commit (nothing may touch the context after it). Disposing without it means the batch failed.
/// </summary>
public sealed class EventWriteScope(HomeserverDbContext db, IDisposable held, SqliteGroupSync? groupSync, Action<HomeserverDbContext>? discard) : IDisposable
{
    private bool committed;

    public HomeserverDbContext Db => db;

    /// <summary>
    /// Lets the next writer in and completes once the commit is durable (on SQLite's writer connection: the shared
    /// sync of the WAL). Nothing of the batch may be acknowledged or published before.
    /// </summary>
    public async Task CommittedAsync(IDbContextTransaction transaction)
    {
        committed = true;
        // Done with the context before the gate opens: the next batch may take SQLite's writer at once.
        await transaction.DisposeAsync();
        db.ChangeTracker.Clear();
        held.Dispose();
        if (groupSync is not null) await groupSync.SyncAsync();
    }

    public void Dispose()
    {
        if (!committed) discard?.Invoke(db);
        held.Dispose();
    }
}
