using Messenger.Homeserver.Configuration;
using Microsoft.Data.Sqlite;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// Copies the write-ahead log of SQLite's event transactions back into the database in the background. SQLite's own
/// automatic checkpoint (every 1,000 log pages) runs inside the commit that crosses the mark, on the committing
/// connection — for the event writer that is inside <see cref="DatabaseWriteGate"/>, so every room waited while one
/// commit wrote a thousand pages and synced the database (more than half of the time the gate was held at 1,000
/// messages/s). The event writer therefore runs with <c>wal_autocheckpoint=0</c>, and after every
/// <see cref="CommitsPerCheckpoint"/> commits this runs a <c>PASSIVE</c> checkpoint on a connection of its own: it runs
/// beside the writer (SQLite lets a checkpoint and a writer proceed together), copies each page once however often it
/// was logged meanwhile, and syncs the log before and the database after copying, as the automatic one does.
/// </summary>
/// <remarks>
/// A checkpoint that cannot finish (a reader still needs older pages) is simply retried after the next commits; the
/// log then grows meanwhile, as it would with SQLite's own. Other connections keep the automatic checkpoint, so the log
/// stays bounded even if this one fails (it logs why). One per process (singleton); idle on PostgreSQL.
/// </remarks>
public sealed class SqliteCheckpoints(HomeserverConfig config, ILogger<SqliteCheckpoints> log)
{
    /// <summary>About 5,000–10,000 log pages at the event path's 10–20 pages per commit.</summary>
    public const int CommitsPerCheckpoint = 500;

    private readonly string? path = config.Database.Type == DatabaseConfig.Sqlite ? config.Database.SqlitePath : null;
    private int commits;
    private int running;

    /// <summary>How many checkpoints have run (tests).</summary>
    public int Completed { get; private set; }

    /// <summary>Counts an event commit; every <see cref="CommitsPerCheckpoint"/> starts a checkpoint unless one is running.</summary>
    public void Committed()
    {
        if (path is null || Interlocked.Increment(ref commits) < CommitsPerCheckpoint) return;
        if (Interlocked.Exchange(ref running, 1) == 1) return;
        Interlocked.Exchange(ref commits, 0);
        _ = Task.Run(Checkpoint);
    }

    private void Checkpoint()
    {
        try
        {
            using var connection = new SqliteConnection(StorageSetup.SqliteConnectionString(path!));
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            command.ExecuteNonQuery();
            Completed++;
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Background checkpoint of the SQLite write-ahead log failed; retrying after the next commits");
        }
        finally
        {
            Volatile.Write(ref running, 0);
        }
    }
}
