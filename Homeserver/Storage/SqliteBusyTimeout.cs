using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// Sets SQLite's own busy timeout on every connection. Without it a writer that finds the database locked gets
/// SQLITE_BUSY at once and Microsoft.Data.Sqlite retries after sleeping 150 ms, which under concurrent writes (events,
/// push actions, federation outbox, device last-seen) made a send take 150-300 ms now and then; SQLite's handler
/// instead retries within a few milliseconds of the lock being released.
/// Also maps the database file into memory (<c>mmap_size</c>): in WAL mode a connection drops its whole page cache
/// whenever another connection has written, so with a pool of connections nearly every transaction re-read its pages
/// through <c>pread</c> — a third of the CPU of 50 users sending into one room. Mapped pages are read in place.
/// Both are settings of the native connection, so they are applied once per handle, not on every logical open of a
/// pooled connection (setting <c>mmap_size</c> again expires the handle's prepared statements and unmaps the file).
/// </summary>
public sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    private const string Pragma = "PRAGMA busy_timeout = 30000; PRAGMA mmap_size = 1073741824;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static readonly ConditionalWeakTable<object, object> Configured = [];

    private static void Apply(DbConnection connection)
    {
        var handle = (connection as SqliteConnection)?.Handle;
        if (handle is not null && Configured.TryGetValue(handle, out _)) return;
        using (var command = connection.CreateCommand())
        {
            command.CommandText = Pragma;
            command.ExecuteNonQuery();
        }
        if (handle is not null) Configured.AddOrUpdate(handle, handle);
    }
}
