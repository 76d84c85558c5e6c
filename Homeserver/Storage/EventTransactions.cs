using Messenger.Homeserver.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// Where the event path's transactions run (<see cref="EventPersister"/>: local, received and back-filled batches).
/// On SQLite they are serialised by <see cref="DatabaseWriteGate"/> anyway, so they share one long-lived connection
/// of their own instead of taking a pooled one each time: its page cache stays valid from one batch to the next (in
/// WAL mode a connection drops its cache whenever another one wrote, and re-read the hot pages of the log through
/// <c>pread</c> for every batch), nothing opens, closes or re-prepares per batch (<see cref="DirectCommand.KeepOn"/>),
/// and it commits with <c>synchronous=NORMAL</c> once and for all — <see cref="SqliteGroupSync"/> makes each commit
/// durable before anything is acknowledged — and without SQLite's automatic checkpoint, which
/// <see cref="SqliteCheckpoints"/> runs beside it.
/// On PostgreSQL batches run on the request's own context, in parallel.
/// </summary>
/// <remarks>
/// A request that staged changes of its own in its context for the batch to save (an alias of a room being created
/// or upgraded: both or neither) keeps its context, and the plain durable commit of any other write.
/// One per process (singleton). Per-process by nature: a second process writing the same SQLite file would need the
/// same lock across processes (SQLite's own), which is one reason scale-out runs on PostgreSQL.
/// </remarks>
public sealed class EventTransactions(HomeserverConfig config, DatabaseWriteGate gate, SqliteGroupSync groupSync, IServiceProvider services) : IAsyncDisposable
{
    private readonly bool sqlite = config.Database.Type == DatabaseConfig.Sqlite;
    private HomeserverDbContext? writer; // used only while holding the gate

    /// <summary>Waits for the write gate and hands out the context the batch is to use.</summary>
    public async Task<EventWriteScope> EnterAsync(HomeserverDbContext scoped, CancellationToken ct)
    {
        var held = await gate.EnterAsync(ct);
        if (!sqlite || scoped.ChangeTracker.HasChanges()) return new EventWriteScope(scoped, held, null, null);
        try
        {
            writer ??= await OpenWriterAsync(ct);
            return new EventWriteScope(writer, held, groupSync, Discard);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>After a failed batch the writer may hold half a unit of work or a broken connection: start afresh.</summary>
    private void Discard(HomeserverDbContext broken)
    {
        if (!ReferenceEquals(broken, writer)) return;
        writer = null;
        broken.Dispose();
    }

    private async Task<HomeserverDbContext> OpenWriterAsync(CancellationToken ct)
    {
        var options = services.GetRequiredService<DbContextOptions<SqliteHomeserverDbContext>>();
        var db = new SqliteHomeserverDbContext(options);
        // A connection of its own, outside SQLite's pool: disposed (after a failed batch, or at shutdown — also of a
        // server restarted in the same process) it closes, rather than going back to the pool with its NORMAL sync
        // and without automatic checkpoints for some later ordinary write to commit with.
        var unpooled = new SqliteConnectionStringBuilder(StorageSetup.SqliteConnectionString(config.Database.SqlitePath!))
        {
            Pooling = false,
        };
        var connection = new SqliteConnection(unpooled.ToString());
        DirectCommand.KeepOn(connection);
        db.Database.SetDbConnection(connection, contextOwnsConnection: true);
        try
        {
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;", ct);
            return db;
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (writer is not null) await writer.DisposeAsync();
        writer = null;
    }
}
