using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.Homeserver.Tests.Storage;

/// <summary>
/// Event transactions on SQLite commit on their own connection with <c>synchronous=NORMAL</c> and share one sync of
/// the WAL (<see cref="SqliteGroupSync"/>, <see cref="EventTransactions"/>). Every other write relies on the pooled
/// connections staying at FULL.
/// </summary>
public sealed class SqliteGroupSyncTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    private const int Full = 2;

    [Fact]
    public async Task After_concurrent_sends_every_pooled_connection_is_at_synchronous_full()
    {
        var users = new List<Session>();
        for (var i = 0; i < 6; i++) users.Add(await server.Client.RegisterAsync());
        var rooms = new List<string>();
        foreach (var user in users) rooms.Add(await server.Client.CreateRoomAsync(user));

        await Task.WhenAll(users.Select((user, i) => Task.Run(async () =>
        {
            for (var n = 0; n < 10; n++) await server.Client.SendTextAsync(user, rooms[i], $"message {n}");
        })));

        // Hold many contexts open at once, so that the pool hands out the connections the sends used too.
        var scopes = Enumerable.Range(0, 12).Select(_ => server.Services.CreateAsyncScope()).ToList();
        try
        {
            var levels = new List<long>();
            foreach (var scope in scopes)
            {
                var db = scope.ServiceProvider.GetRequiredService<HomeserverDbContext>();
                await db.Database.OpenConnectionAsync();
                await using var command = db.Database.GetDbConnection().CreateCommand();
                command.CommandText = "PRAGMA synchronous;";
                levels.Add((long)(await command.ExecuteScalarAsync())!);
            }
            Assert.All(levels, level => Assert.Equal(Full, level));
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
        var sync = new SqliteGroupSync(config);
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
        Assert.True(new SqliteGroupSync(config).SyncAsync().IsCompletedSuccessfully);
    }
}
