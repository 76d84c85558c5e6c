using Messenger.Homeserver.Tests.Support;

namespace Messenger.Homeserver.Tests.Storage;

/// <summary>Accounts, devices and tokens survive a restart of the server on the same database.</summary>
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
}

public sealed class SqlitePersistenceTests(SqliteServer server) : PersistenceTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresPersistenceTests(PostgresServer server) : PersistenceTests(server), IClassFixture<PostgresServer>;
