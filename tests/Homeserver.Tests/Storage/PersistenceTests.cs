using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Tests.Support;

namespace Messenger.Homeserver.Tests.Storage;

/// <summary>Accounts, devices, tokens and a room's forward extremities survive a restart of the server on the same database.</summary>
public abstract class PersistenceTests(ServerFixture server)
{
    [Fact]
    public async Task Account_device_and_token_survive_a_restart()
    {
        var account = await server.Client.RegisterAsync();
        var keyBefore = await File.ReadAllTextAsync(server.Config.SigningKeyPath!);

        await server.RestartAsync();

        (await server.Client.GetMatrixAsync(MatrixTestClient.V3 + "/account/whoami", account.AccessToken)).AssertOk();
        var login = await server.Client.LoginAsync(account.UserId, account.Password);
        var devices = (await server.Client.GetMatrixAsync(MatrixTestClient.V3 + "/devices", login.AccessToken)).Body["devices"]!.AsArray();
        Assert.Contains(devices, d => (string?)d!["device_id"] == account.DeviceId);
        Assert.Equal(keyBefore, await File.ReadAllTextAsync(server.Config.SigningKeyPath!));
    }

    [Fact]
    public async Task After_messages_the_stored_forward_extremity_is_the_last_event()
    {
        var alice = await server.Client.RegisterAsync();
        var roomId = await server.Client.CreateRoomAsync(alice);
        string last = "";
        for (var i = 0; i < 3; i++) last = await server.Client.SendTextAsync(alice, roomId, $"message {i}");

        await server.RestartAsync();

        var stored = await server.WithServiceAsync<RoomStore, List<ForwardExtremity>>(store => store.ExtremitiesAsync(roomId));
        Assert.Equal(last, Assert.Single(stored).EventId);
        var next = await server.Client.SendTextAsync(alice, roomId, "after the restart");
        stored = await server.WithServiceAsync<RoomStore, List<ForwardExtremity>>(store => store.ExtremitiesAsync(roomId));
        Assert.Equal(next, Assert.Single(stored).EventId);
    }
}

public sealed class SqlitePersistenceTests(SqliteServer server) : PersistenceTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresPersistenceTests(PostgresServer server) : PersistenceTests(server), IClassFixture<PostgresServer>;
