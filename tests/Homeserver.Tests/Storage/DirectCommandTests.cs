using Messenger.Homeserver.Storage;
using Microsoft.Data.Sqlite;

namespace Messenger.Homeserver.Tests.Storage;

/// <summary>
/// Statements stay prepared only on a connection its owner registered (<see cref="DirectCommand.KeepOn"/>): one kept
/// on a pooled connection stays active after the connection goes back to the pool, and the next writer finds the
/// database locked.
/// </summary>
public sealed class DirectCommandTests : IDisposable
{
    private const string Insert = "INSERT INTO t (v) VALUES (@p0)";
    private readonly string path = Path.Combine(Path.GetTempPath(), $"direct-command-{Guid.NewGuid():N}.db");

    public DirectCommandTests()
    {
        using var setup = new SqliteConnection($"Data Source={path};Pooling=False");
        setup.Open();
        using var create = setup.CreateCommand();
        create.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE t (v INTEGER)";
        create.ExecuteNonQuery();
    }

    [Fact]
    public void A_registered_connection_keeps_one_command_per_statement()
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        DirectCommand.KeepOn(connection);
        connection.Open();

        var first = DirectCommand.PreparedOn(connection, Insert, 1, out var keptFirst);
        var second = DirectCommand.PreparedOn(connection, Insert, 1, out var keptSecond);

        Assert.True(keptFirst);
        Assert.True(keptSecond);
        Assert.Same(first, second);
    }

    [Fact]
    public void An_unregistered_connection_gets_a_new_command_each_time()
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();

        using var first = DirectCommand.PreparedOn(connection, Insert, 1, out var keptFirst);
        using var second = DirectCommand.PreparedOn(connection, Insert, 1, out var keptSecond);

        Assert.False(keptFirst);
        Assert.False(keptSecond);
        Assert.NotSame(first, second);
    }

    [Fact]
    public void A_pooled_connection_cannot_be_registered()
    {
        using var pooled = new SqliteConnection($"Data Source={path}");
        Assert.Throws<ArgumentException>(() => DirectCommand.KeepOn(pooled));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" }) File.Delete(file);
    }
}
