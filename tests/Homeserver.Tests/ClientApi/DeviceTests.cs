using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.ClientApi;

/// <summary>"Device management", on both databases.</summary>
public abstract class DeviceTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    [Fact]
    public async Task Devices_are_listed_with_last_seen()
    {
        var account = await Http.RegisterAsync();
        var second = await Http.LoginAsync(account.UserId, account.Password);

        var devices = (await Http.GetMatrixAsync(V3 + "/devices", second.AccessToken)).AssertOk().Body["devices"]!.AsArray();

        Assert.Equal(new[] { account.DeviceId, second.DeviceId }.Order(), devices.Select(d => (string)d!["device_id"]!).Order());
        var seen = devices.Single(d => (string)d!["device_id"]! == second.DeviceId)!;
        Assert.Equal("127.0.0.1", (string?)seen["last_seen_ip"]);
        Assert.NotNull(seen["last_seen_ts"]);
    }

    [Fact]
    public async Task Device_can_be_renamed_and_read_back()
    {
        var account = await Http.RegisterAsync();
        (await Http.SendMatrixAsync(HttpMethod.Put, V3 + "/devices/" + account.DeviceId, new { display_name = "Laptop" }, account.AccessToken)).AssertOk();

        var device = (await Http.GetMatrixAsync(V3 + "/devices/" + account.DeviceId, account.AccessToken)).AssertOk();
        Assert.Equal("Laptop", device.String("display_name"));
        Assert.Equal(account.DeviceId, device.String("device_id"));
    }

    [Fact]
    public async Task Unknown_device_is_M_NOT_FOUND_and_other_users_devices_are_unknown()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        (await Http.GetMatrixAsync(V3 + "/devices/NOPE", alice.AccessToken)).AssertError(404, "M_NOT_FOUND");
        (await Http.GetMatrixAsync(V3 + "/devices/" + bob.DeviceId, alice.AccessToken)).AssertError(404, "M_NOT_FOUND");
        (await Http.SendMatrixAsync(HttpMethod.Put, V3 + "/devices/NOPE", new { display_name = "x" }, alice.AccessToken)).AssertError(404, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Rename_with_wrong_type_is_M_BAD_JSON_and_changes_nothing()
    {
        var account = await Http.RegisterAsync();
        (await Http.SendMatrixAsync(HttpMethod.Put, V3 + "/devices/" + account.DeviceId, new { display_name = "Kept" }, account.AccessToken)).AssertOk();
        (await Http.SendMatrixAsync(HttpMethod.Put, V3 + "/devices/" + account.DeviceId, "{\"display_name\": 5}", account.AccessToken)).AssertError(400, "M_BAD_JSON");
        Assert.Equal("Kept", (await Http.GetMatrixAsync(V3 + "/devices/" + account.DeviceId, account.AccessToken)).String("display_name"));
    }

    [Fact]
    public async Task Deleting_a_device_needs_the_password_and_ends_its_token()
    {
        var account = await Http.RegisterAsync();
        var other = await Http.LoginAsync(account.UserId, account.Password);

        var challenge = await Http.SendMatrixAsync(HttpMethod.Delete, V3 + "/devices/" + other.DeviceId, null, account.AccessToken);
        Assert.Equal(401, (int)challenge.Status);
        Assert.Equal("m.login.password", (string?)challenge.Body["flows"]![0]!["stages"]![0]);
        (await Http.GetMatrixAsync(V3 + "/account/whoami", other.AccessToken)).AssertOk();

        (await Http.SendMatrixAsync(HttpMethod.Delete, V3 + "/devices/" + other.DeviceId,
            new JsonObject { ["auth"] = PasswordAuth(account, challenge.String("session")) }, account.AccessToken)).AssertOk();

        (await Http.GetMatrixAsync(V3 + "/account/whoami", other.AccessToken)).AssertError(401, "M_UNKNOWN_TOKEN");
        (await Http.GetMatrixAsync(V3 + "/devices/" + other.DeviceId, account.AccessToken)).AssertError(404, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Delete_devices_removes_several_at_once()
    {
        var account = await Http.RegisterAsync();
        var a = await Http.LoginAsync(account.UserId, account.Password);
        var b = await Http.LoginAsync(account.UserId, account.Password);

        (await Http.PostMatrixAsync(V3 + "/delete_devices",
            new JsonObject { ["devices"] = new JsonArray(a.DeviceId, b.DeviceId), ["auth"] = PasswordAuth(account) }, account.AccessToken)).AssertOk();

        var left = (await Http.GetMatrixAsync(V3 + "/devices", account.AccessToken)).Body["devices"]!.AsArray();
        Assert.Equal([account.DeviceId], left.Select(d => (string)d!["device_id"]!));
    }

    [Fact]
    public async Task Delete_devices_without_list_is_M_MISSING_PARAM()
    {
        var account = await Http.RegisterAsync();
        (await Http.PostMatrixAsync(V3 + "/delete_devices", new JsonObject { ["auth"] = PasswordAuth(account) }, account.AccessToken))
            .AssertError(400, "M_MISSING_PARAM");
    }
}

public sealed class SqliteDeviceTests(SqliteServer server) : DeviceTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresDeviceTests(PostgresServer server) : DeviceTests(server), IClassFixture<PostgresServer>;
