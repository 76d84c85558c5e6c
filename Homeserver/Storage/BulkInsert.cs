using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// Inserts many new rows of one entity type in the open transaction without the change tracker: on SQLite one prepared
/// <c>INSERT</c> run per row with its parameters rebound, on PostgreSQL a binary <c>COPY</c>. Joining a remote room
/// stores tens of thousands of rows (its state events, their auth edges, state entries, current state), which EF's
/// one-command-per-row <c>SaveChanges</c> took seconds for. Columns, names and value conversions come from the EF
/// model, so the rows land exactly as <c>SaveChanges</c> would write them. The rows must be new (no upsert).
/// </summary>
public static class BulkInsert
{
    /// <summary>Below this many rows PostgreSQL gets them through EF, whose batched <c>INSERT</c> costs one round trip for all tables.</summary>
    private const int PostgresCopyThreshold = 10;

    private static readonly ConcurrentDictionary<(Type Context, Type Row), Table> Tables = new();

    /// <summary>
    /// Inserts <paramref name="rows"/> now, inside the transaction the caller has open on <paramref name="db"/>. On
    /// PostgreSQL a few rows are instead added to <paramref name="batch"/>, which the caller sends (one round trip
    /// for all the tables of a message); without a batch they go to EF's change tracker, saved with the unit of work.
    /// </summary>
    public static async Task InsertAsync<T>(HomeserverDbContext db, IReadOnlyCollection<T> rows, CancellationToken ct, NpgsqlBatch? batch = null) where T : class
    {
        if (rows.Count == 0) return;
        var connection = db.Database.GetDbConnection();
        var table = TableOf<T>(db);
        if (connection is NpgsqlConnection && rows.Count < PostgresCopyThreshold)
        {
            if (batch is null) db.Set<T>().AddRange(rows);
            else AddInserts(batch, table, rows);
            return;
        }
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("bulk inserts run inside the persister's transaction");
        switch (connection)
        {
            case NpgsqlConnection npgsql:
                await CopyAsync(npgsql, table, rows, ct);
                break;
            case SqliteConnection sqlite:
                await InsertEachAsync(sqlite, (SqliteTransaction)transaction, table, rows, ct);
                break;
            default:
                throw new NotSupportedException(connection.GetType().Name);
        }
    }

    private static Table TableOf<T>(HomeserverDbContext db) => Tables.GetOrAdd((db.GetType(), typeof(T)), key => Table.Of(db.Model.FindEntityType(key.Row)
        ?? throw new InvalidOperationException($"{key.Row.Name} is not in the model")));

    /// <summary>
    /// One multi-row <c>INSERT</c> for the rows of a table (a message's three auth edges are one statement, not three:
    /// PostgreSQL's executor start-up per statement cost more than the rows). Each row count has its own SQL text, so
    /// Npgsql prepares the few that recur.
    /// </summary>
    private static void AddInserts<T>(NpgsqlBatch batch, Table table, IReadOnlyCollection<T> rows)
    {
        var command = new NpgsqlBatchCommand(table.PostgresInsertSql(rows.Count));
        foreach (var row in rows)
        {
            foreach (var column in table.Columns)
                command.Parameters.Add(new NpgsqlParameter { DataTypeName = column.StoreType, Value = column.Read(row!) ?? DBNull.Value });
        }
        batch.BatchCommands.Add(command);
    }

    private static async Task CopyAsync<T>(NpgsqlConnection connection, Table table, IReadOnlyCollection<T> rows, CancellationToken ct)
    {
        var columns = string.Join(", ", table.Columns.Select(c => Quote(c.Name)));
        await using var importer = await connection.BeginBinaryImportAsync($"COPY {Quote(table.Name)} ({columns}) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(ct);
            foreach (var column in table.Columns)
            {
                if (column.Read(row!) is { } value) await importer.WriteAsync(value, column.StoreType, ct);
                else await importer.WriteNullAsync(ct);
            }
        }
        await importer.CompleteAsync(ct);
    }

    private static async Task InsertEachAsync<T>(SqliteConnection connection, SqliteTransaction transaction, Table table, IReadOnlyCollection<T> rows, CancellationToken ct)
    {
        // Kept prepared on the connection: the event writer inserts one event, its edges and its transaction id per
        // message, and compiling those statements anew each time cost more than running them.
        var command = DirectCommand.PreparedOn(connection, table.InsertSql, table.Columns.Count, out var kept);
        try
        {
            command.Transaction = transaction;
            var parameters = command.Parameters;
            foreach (var row in rows)
            {
                for (var i = 0; i < table.Columns.Count; i++) parameters[i].Value = table.Columns[i].Read(row!) ?? DBNull.Value;
                await command.ExecuteNonQueryAsync(ct);
            }
        }
        finally
        {
            if (!kept) await command.DisposeAsync();
        }
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A table's columns as the model maps them: name, store type and the provider value of a row.</summary>
    private sealed record Table(string Name, IReadOnlyList<Column> Columns)
    {
        /// <summary>The SQLite statement inserting one row, parameters <c>@p0</c>… in column order (<see cref="DirectCommand"/>).</summary>
        public string InsertSql { get; } = $"INSERT INTO {Quote(Name)} ({string.Join(", ", Columns.Select(c => Quote(c.Name)))}) "
            + $"VALUES ({string.Join(", ", Columns.Select((_, i) => "@p" + i))})";

        private readonly string[] postgresInsertSql = new string[PostgresCopyThreshold];

        /// <summary>The PostgreSQL statement inserting <paramref name="count"/> rows, positional parameters row by row in column order.</summary>
        public string PostgresInsertSql(int count)
        {
            if (postgresInsertSql[count] is { } known) return known;
            var tuples = Enumerable.Range(0, count)
                .Select(r => "(" + string.Join(", ", Columns.Select((_, i) => "$" + (r * Columns.Count + i + 1))) + ")");
            return postgresInsertSql[count] = $"INSERT INTO {Quote(Name)} ({string.Join(", ", Columns.Select(c => Quote(c.Name)))}) "
                + $"VALUES {string.Join(", ", tuples)}";
        }

        public static Table Of(IEntityType entity)
        {
            var name = entity.GetTableName() ?? throw new InvalidOperationException($"{entity.ClrType.Name} has no table");
            var store = StoreObjectIdentifier.Table(name, entity.GetSchema());
            var columns = entity.GetProperties().Select(p =>
            {
                var mapping = p.GetRelationalTypeMapping();
                var getter = p.GetGetter();
                var converter = mapping.Converter;
                Func<object, object?> read = converter is null
                    ? row => getter.GetClrValue(row)
                    : row => getter.GetClrValue(row) is { } v ? converter.ConvertToProvider(v) : null;
                // COPY names the type without facets ("character varying", not "character varying(255)").
                var storeType = mapping.StoreType.Split('(')[0].Trim();
                return new Column(p.GetColumnName(store) ?? p.GetColumnName(), storeType, read);
            }).ToList();
            return new Table(name, columns);
        }
    }

    private sealed record Column(string Name, string StoreType, Func<object, object?> Read);
}
