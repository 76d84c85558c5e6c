using Microsoft.Data.Sqlite;
using Npgsql;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// A batch's client transaction id (user, device, txn id) is taken: a send of it committed first. The primary key of
/// <c>event_txns</c> is the guard ("Transaction identifiers"): a send inserts its row in its events' transaction
/// instead of looking it up in a round trip of its own beforehand, and of two sends of one transaction only the first
/// to commit keeps its row (PostgreSQL makes the second insert wait for the first transaction, then refuses it). The
/// batch was rolled back and the context's tracked changes dropped; the room server answers the repeated sends with the
/// events their transactions created and persists the rest again.
/// </summary>
public sealed class TxnIdTakenException(Exception conflict) : Exception("a client transaction id of the batch is taken", conflict)
{
    /// <summary>SQLite's extended result code for a primary key violation.</summary>
    private const int SqlitePrimaryKey = 1555;

    /// <summary>Whether <paramref name="error"/> (or an exception inside it) is an insert refused by the primary key of <c>event_txns</c>.</summary>
    public static bool IsConflict(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, TableName: "event_txns" }) return true;
            if (e is SqliteException { SqliteExtendedErrorCode: SqlitePrimaryKey } sqlite && sqlite.Message.Contains(" event_txns.", StringComparison.Ordinal)) return true;
        }
        return false;
    }
}
