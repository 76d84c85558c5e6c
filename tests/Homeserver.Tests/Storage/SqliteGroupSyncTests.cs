using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Messenger.Homeserver.Tests.Storage;

/// <summary>
/// Event transactions on SQLite commit on their own connection with <c>synchronous=NORMAL</c> and share one sync of
/// the WAL (<see cref="SqliteGroupSync"/>, <see cref="EventTransactions"/>). Every other write relies on the pooled
/// connections staying at FULL.
/// </summary>
public sealed class SqliteGroupSyncTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    private const int Full = 2;
    private const long SqliteDefaultAutoCheckpoint = 1000;

    [Fact]
    public async Task After_concurrent_sends_every_pooled_connection_is_at_synchronous_full()
    {
        await SendConcurrentlyAsync();
        await AssertPooledConnectionsAtDefaultsAsync();
    }

    [Fact]
    public async Task After_a_restart_in_the_same_process_no_pooled_connection_has_the_event_writers_settings()
    {
        await SendConcurrentlyAsync();
        // Disposing the old server disposes its event writer; SQLite's pool lives on in the process.
        await server.RestartAsync();
        await SendConcurrentlyAsync();
        await AssertPooledConnectionsAtDefaultsAsync();
    }

    private async Task SendConcurrentlyAsync()
    {
        var users = new List<Session>();
        for (var i = 0; i < 6; i++) users.Add(await server.Client.RegisterAsync());
        var rooms = new List<string>();
        foreach (var user in users) rooms.Add(await server.Client.CreateRoomAsync(user));

        await Task.WhenAll(users.Select((user, i) => Task.Run(async () =>
        {
            for (var n = 0; n < 10; n++) await server.Client.SendTextAsync(user, rooms[i], $"message {n}");
        })));
    }

    private async Task AssertPooledConnectionsAtDefaultsAsync()
    {
        // Hold many contexts open at once, so that the pool hands out the connections the sends used too.
        var scopes = Enumerable.Range(0, 12).Select(_ => server.Services.CreateAsyncScope()).ToList();
        try
        {
            var levels = new List<(long Synchronous, long AutoCheckpoint)>();
            foreach (var scope in scopes)
            {
                var db = scope.ServiceProvider.GetRequiredService<HomeserverDbContext>();
                await db.Database.OpenConnectionAsync();
                await using var command = db.Database.GetDbConnection().CreateCommand();
                command.CommandText = "PRAGMA synchronous;";
                var synchronous = (long)(await command.ExecuteScalarAsync())!;
                command.CommandText = "PRAGMA wal_autocheckpoint;";
                levels.Add((synchronous, (long)(await command.ExecuteScalarAsync())!));
            }
            // Only the event writer leaves checkpoints to SqliteCheckpoints; the others keep SQLite's own.
            Assert.All(levels, level => Assert.Equal((Full, SqliteDefaultAutoCheckpoint), level));
        }
        finally
        {
            foreach (var scope in scopes) await scope.DisposeAsync();
        }
    }

    [Fact]
    public async Task Every_message_acknowledged_during_the_group_syncs_is_stored()
    {
        var users = new List<Session>();
        for (var i = 0; i < 5; i++) users.Add(await server.Client.RegisterAsync());
        var rooms = new List<string>();
        foreach (var user in users) rooms.Add(await server.Client.CreateRoomAsync(user));

        var sent = await Task.WhenAll(users.Select((user, i) => Task.Run(async () =>
        {
            var ids = new List<string>();
            for (var n = 0; n < 8; n++) ids.Add(await server.Client.SendTextAsync(user, rooms[i], $"message {n}"));
            return ids;
        })));

        await server.RestartAsync();
        for (var i = 0; i < users.Count; i++)
        {
            var messages = await server.Client.RoomGetAsync(users[i], rooms[i], "messages?dir=b&limit=50");
            var ids = messages.AssertOk().Body["chunk"]!.AsArray().Select(e => (string)e!["event_id"]!).ToHashSet();
            Assert.Superset(sent[i].ToHashSet(), ids);
        }
    }

    [Fact]
    public async Task Waiters_all_complete_whether_or_not_the_wal_exists()
    {
        var path = Path.Combine(Path.GetTempPath(), $"messenger-groupsync-{Guid.NewGuid():N}.db");
        var config = new HomeserverConfig { Database = new DatabaseConfig { Type = DatabaseConfig.Sqlite, SqlitePath = path } };
        var sync = new SqliteGroupSync(config, new SqliteCheckpoints(config, NullLogger<SqliteCheckpoints>.Instance));
        try
        {
            // No WAL yet: everything is in the database file.
            await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(sync.SyncAsync))).WaitAsync(TimeSpan.FromSeconds(10));

            await File.WriteAllBytesAsync(path + "-wal", new byte[4096]);
            await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(sync.SyncAsync))).WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            File.Delete(path + "-wal");
        }
    }

    [Fact]
    public void On_postgres_it_does_nothing()
    {
        var config = new HomeserverConfig { Database = new DatabaseConfig { Type = DatabaseConfig.Postgres, ConnectionString = "Host=127.0.0.1" } };
        Assert.True(new SqliteGroupSync(config, new SqliteCheckpoints(config, NullLogger<SqliteCheckpoints>.Instance)).SyncAsync().IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Commits_without_automatic_checkpoints_are_copied_into_the_database_in_the_background()
    {
        var path = Path.Combine(Path.GetTempPath(), $"messenger-checkpoints-{Guid.NewGuid():N}.db");
        var config = new HomeserverConfig { Database = new DatabaseConfig { Type = DatabaseConfig.Sqlite, SqlitePath = path } };
        var checkpoints = new SqliteCheckpoints(config, NullLogger<SqliteCheckpoints>.Instance);
        try
        {
            await using (var writer = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                await writer.OpenAsync();
                await using var command = writer.CreateCommand();
                command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint = 0; CREATE TABLE t (v BLOB);";
                await command.ExecuteNonQueryAsync();
                command.CommandText = "INSERT INTO t VALUES (randomblob(4000));";
                for (var i = 0; i < SqliteCheckpoints.CommitsPerCheckpoint + 10; i++)
                {
                    await command.ExecuteNonQueryAsync(); // one commit each
                    checkpoints.Committed();
                }
                var deadline = DateTime.UtcNow.AddSeconds(10);
                while (checkpoints.Completed == 0 && DateTime.UtcNow < deadline) await Task.Delay(20);

                // Without the checkpoint every page would still be in the log only, and the database file a few pages.
                Assert.Equal(1, checkpoints.Completed);
                Assert.True(new FileInfo(path).Length > SqliteCheckpoints.CommitsPerCheckpoint * 4000L,
                    $"database file is {new FileInfo(path).Length} bytes");
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" }) File.Delete(file);
        }
    }
}
