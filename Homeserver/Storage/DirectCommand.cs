using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// Runs one fixed SQL statement inside the transaction open on a context, without EF's query pipeline. An
/// <c>ExecuteDelete</c>/<c>ExecuteUpdate</c> (which cannot be compiled) rebuilds and hashes its expression tree and
/// looks its SQL up on every call — per event batch that cost more CPU than SQLite's work for the statement. For
/// statements of the event path only; the SQL must be valid on both providers (parameters <c>@p0</c>, <c>@p1</c>…).
/// On SQLite the statement stays prepared on a connection registered with <see cref="KeepOn"/> (the event writer's,
/// which lives as long as the process).
/// </summary>
public static class DirectCommand
{
    private static readonly ConditionalWeakTable<DbConnection, Dictionary<string, DbCommand>> Prepared = [];

    /// <summary>Executes <paramref name="sql"/> with <paramref name="values"/> bound to <c>@p0</c>…; returns the rows changed.</summary>
    public static async Task<int> ExecuteAsync(HomeserverDbContext db, string sql, CancellationToken ct, params object?[] values)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("direct commands run inside the persister's transaction");
        var command = PreparedOn(transaction.Connection!, sql, values.Length, out var kept);
        try
        {
            return await RunAsync(command, transaction, values, ct);
        }
        finally
        {
            if (!kept) await command.DisposeAsync();
        }
    }

    /// <summary>
    /// Lets statements stay prepared on <paramref name="connection"/>: only for a SQLite connection outside the pool,
    /// owned by one writer for its whole life (<see cref="EventTransactions"/>). A statement kept on a pooled
    /// connection stays active there after the connection goes back to the pool, and its next user finds the database
    /// locked.
    /// </summary>
    public static void KeepOn(SqliteConnection connection)
    {
        if (new SqliteConnectionStringBuilder(connection.ConnectionString).Pooling)
            throw new ArgumentException("statements are kept only on a connection outside SQLite's pool", nameof(connection));
        Prepared.GetOrCreateValue(connection);
    }

    /// <summary>
    /// The command for <paramref name="sql"/> (parameters <c>@p0</c>… <paramref name="count"/>). On a connection
    /// registered with <see cref="KeepOn"/> it is kept, so SQLite compiles it once (<see cref="BulkInsert"/>'s
    /// single-row inserts too); on any other it is new and <paramref name="kept"/> is false: the caller disposes it.
    /// </summary>
    public static DbCommand PreparedOn(DbConnection connection, string sql, int count, out bool kept)
    {
        kept = Prepared.TryGetValue(connection, out var commands);
        if (!kept) return Create(connection, sql, count);
        if (!commands!.TryGetValue(sql, out var command))
        {
            command = Create(connection, sql, count);
            commands[sql] = command;
        }
        return command;
    }

    /// <summary>The same statement for a PostgreSQL batch (<see cref="PendingRows"/>).</summary>
    public static NpgsqlBatchCommand ForBatch(string sql, object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        for (var i = 0; i < values.Length; i++) command.Parameters.Add(new NpgsqlParameter("p" + i, values[i] ?? DBNull.Value));
        return command;
    }

    private static DbCommand Create(DbConnection connection, string sql, int count)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < count; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@p" + i;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private static Task<int> RunAsync(DbCommand command, DbTransaction transaction, object?[] values, CancellationToken ct)
    {
        if (command.Parameters.Count != values.Length) throw new ArgumentException($"{command.CommandText} takes {command.Parameters.Count} values");
        command.Transaction = transaction;
        for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
        return command.ExecuteNonQueryAsync(ct);
    }
}
