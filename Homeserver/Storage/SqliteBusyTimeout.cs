using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// Sets SQLite's own busy timeout on every connection. Without it a writer that finds the database locked gets
/// SQLITE_BUSY at once and Microsoft.Data.Sqlite retries after sleeping 150 ms, which under concurrent writes (events,
/// push actions, federation outbox, device last-seen) made a send take 150-300 ms now and then; SQLite's handler
/// instead retries within a few milliseconds of the lock being released.
/// </summary>
public sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    private const string Pragma = "PRAGMA busy_timeout = 30000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        command.ExecuteNonQuery();
    }
}
