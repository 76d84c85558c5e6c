using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.ClientApi;

/// <summary>"Login", "Logout", "Refreshing access tokens", "Soft logout", on both databases.</summary>
public abstract class LoginTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    [Fact]
    public async Task Get_login_offers_password_login()
    {
        var response = (await Http.GetMatrixAsync(V3 + "/login")).AssertOk();
        Assert.Contains(response.Body["flows"]!.AsArray(), f => (string?)f!["type"] == "m.login.password");
    }

    [Fact]
    public async Task Password_login_with_localpart_or_full_id_gives_a_new_device()
    {
        var account = await Http.RegisterAsync();
        var localpart = account.UserId[1..account.UserId.IndexOf(':')];

        var byLocalpart = await Http.LoginAsync(localpart, account.Password);
        var byUserId = await Http.LoginAsync(account.UserId, account.Password);

        Assert.Equal(account.UserId, byLocalpart.UserId);
        Assert.NotEqual(account.DeviceId, byLocalpart.DeviceId);
        Assert.NotEqual(byLocalpart.DeviceId, byUserId.DeviceId);
        (await Http.GetMatrixAsync(V3 + "/account/whoami", byUserId.AccessToken)).AssertOk();
    }

    [Fact]
    public async Task Legacy_user_field_logs_in_and_response_has_well_known()
    {
        var account = await Http.RegisterAsync();
        var response = (await Http.PostMatrixAsync(V3 + "/login", new { type = "m.login.password", user = account.UserId, password = account.Password })).AssertOk();
        Assert.Equal($"https://{ServerFixture.ServerName}/", (string?)response.Body["well_known"]!["m.homeserver"]!["base_url"]);
    }

    [Fact]
    public async Task Login_with_known_device_id_reuses_the_device()
    {
        var account = await Http.RegisterAsync();
        var again = await Http.LoginAsync(account.UserId, account.Password, deviceId: account.DeviceId);
        Assert.Equal(account.DeviceId, again.DeviceId);
        var devices = (await Http.GetMatrixAsync(V3 + "/devices", again.AccessToken)).AssertOk().Body["devices"]!.AsArray();
        Assert.Single(devices);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_are_both_M_FORBIDDEN()
    {
        var account = await Http.RegisterAsync();
        (await Http.PostMatrixAsync(V3 + "/login", new { type = "m.login.password", user = account.UserId, password = "wrong password" })).AssertError(403, "M_FORBIDDEN");
        (await Http.PostMatrixAsync(V3 + "/login", new { type = "m.login.password", user = NewUsername(), password = "wrong password" })).AssertError(403, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Unknown_login_type_and_missing_fields_are_refused()
    {
        (await Http.PostMatrixAsync(V3 + "/login", new { type = "m.login.magic" })).AssertError(400, "M_UNKNOWN");
        (await Http.PostMatrixAsync(V3 + "/login", new { user = "x", password = "y" })).AssertError(400, "M_MISSING_PARAM");
        (await Http.PostMatrixAsync(V3 + "/login", new { type = "m.login.password", user = "x" })).AssertError(400, "M_MISSING_PARAM");
        (await Http.PostMatrixAsync(V3 + "/login", new { type = "m.login.password", identifier = new { type = "m.id.phone" }, password = "y" })).AssertError(400, "M_UNKNOWN");
    }

    [Fact]
    public async Task Logout_deletes_the_device_and_its_token_only()
    {
        var account = await Http.RegisterAsync();
        var second = await Http.LoginAsync(account.UserId, account.Password);

        (await Http.PostMatrixAsync(V3 + "/logout", new { }, account.AccessToken)).AssertOk();

        (await Http.GetMatrixAsync(V3 + "/account/whoami", account.AccessToken)).AssertError(401, "M_UNKNOWN_TOKEN");
        var devices = (await Http.GetMatrixAsync(V3 + "/devices", second.AccessToken)).AssertOk().Body["devices"]!.AsArray();
        Assert.Equal([second.DeviceId], devices.Select(d => (string)d!["device_id"]!));
    }

    [Fact]
    public async Task Logout_all_ends_every_device()
    {
        var account = await Http.RegisterAsync();
        var second = await Http.LoginAsync(account.UserId, account.Password);
        // Both tokens were just accepted (the server may remember them); revoking them must still take effect at once.
        (await Http.GetMatrixAsync(V3 + "/account/whoami", account.AccessToken)).AssertOk();

        (await Http.PostMatrixAsync(V3 + "/logout/all", new { }, second.AccessToken)).AssertOk();

        (await Http.GetMatrixAsync(V3 + "/account/whoami", account.AccessToken)).AssertError(401, "M_UNKNOWN_TOKEN");
        (await Http.GetMatrixAsync(V3 + "/account/whoami", second.AccessToken)).AssertError(401, "M_UNKNOWN_TOKEN");
    }

    [Fact]
    public async Task Access_token_in_query_parameter_is_accepted()
    {
        var account = await Http.RegisterAsync();
        (await Http.GetMatrixAsync(V3 + "/account/whoami?access_token=" + account.AccessToken)).AssertOk();
    }

    [Fact]
    public async Task Missing_and_unknown_tokens_are_401_with_their_codes()
    {
        (await Http.GetMatrixAsync(V3 + "/account/whoami")).AssertError(401, "M_MISSING_TOKEN");
        var unknown = (await Http.GetMatrixAsync(V3 + "/account/whoami", "mxa_not-a-token")).AssertError(401, "M_UNKNOWN_TOKEN");
        Assert.False((bool)unknown.Body["soft_logout"]!);
    }

    [Fact]
    public async Task Refreshable_token_expires_with_soft_logout_and_refresh_gives_a_working_pair()
    {
        var account = await Http.RegisterAsync();
        var session = await Http.LoginAsync(account.UserId, account.Password, refresh: true);
        Assert.NotNull(session.RefreshToken);

        server.Clock.Advance(TimeSpan.FromMinutes(6));
        var expired = (await Http.GetMatrixAsync(V3 + "/account/whoami", session.AccessToken)).AssertError(401, "M_UNKNOWN_TOKEN");
        Assert.True((bool)expired.Body["soft_logout"]!);

        var refreshed = (await Http.PostMatrixAsync(V3 + "/refresh", new { refresh_token = session.RefreshToken })).AssertOk();
        Assert.Equal(300_000, (long)refreshed.Body["expires_in_ms"]!);
        var whoami = (await Http.GetMatrixAsync(V3 + "/account/whoami", refreshed.String("access_token"))).AssertOk();
        Assert.Equal(session.DeviceId, whoami.String("device_id"));
    }

    [Fact]
    public async Task Old_refresh_token_works_until_the_new_pair_is_used()
    {
        var account = await Http.RegisterAsync();
        var session = await Http.LoginAsync(account.UserId, account.Password, refresh: true);

        var first = (await Http.PostMatrixAsync(V3 + "/refresh", new { refresh_token = session.RefreshToken })).AssertOk();
        // The client lost that response: the old refresh token still works, and replaces the unused pair.
        var second = (await Http.PostMatrixAsync(V3 + "/refresh", new { refresh_token = session.RefreshToken })).AssertOk();
        (await Http.GetMatrixAsync(V3 + "/account/whoami", first.String("access_token"))).AssertError(401, "M_UNKNOWN_TOKEN");

        (await Http.GetMatrixAsync(V3 + "/account/whoami", second.String("access_token"))).AssertOk();
        (await Http.PostMatrixAsync(V3 + "/refresh", new { refresh_token = session.RefreshToken })).AssertError(401, "M_UNKNOWN_TOKEN");
        (await Http.PostMatrixAsync(V3 + "/refresh", new { refresh_token = second.String("refresh_token") })).AssertOk();
    }

    [Fact]
    public async Task Refresh_without_or_with_unknown_token_is_refused()
    {
        (await Http.PostMatrixAsync(V3 + "/refresh", new { })).AssertError(400, "M_MISSING_PARAM");
        (await Http.PostMatrixAsync(V3 + "/refresh", new { refresh_token = "mxr_nothing" })).AssertError(401, "M_UNKNOWN_TOKEN");
    }

    [Fact]
    public async Task Password_change_needs_the_old_password_and_logs_out_other_devices()
    {
        var account = await Http.RegisterAsync();
        var other = await Http.LoginAsync(account.UserId, account.Password);
        (await Http.GetMatrixAsync(V3 + "/account/whoami", other.AccessToken)).AssertOk();

        var challenge = await Http.PostMatrixAsync(V3 + "/account/password", new { new_password = "new password 1" }, account.AccessToken);
        Assert.Equal(401, (int)challenge.Status);
        var uia = challenge.String("session");
        var wrong = await Http.PostMatrixAsync(V3 + "/account/password",
            new JsonObject { ["new_password"] = "new password 1", ["auth"] = PasswordAuth(account, uia, "not my password") }, account.AccessToken);
        Assert.Equal(401, (int)wrong.Status);
        Assert.Equal("M_FORBIDDEN", wrong.ErrCode);

        (await Http.PostMatrixAsync(V3 + "/account/password",
            new JsonObject { ["new_password"] = "new password 1", ["auth"] = PasswordAuth(account, uia) }, account.AccessToken)).AssertOk();

        (await Http.GetMatrixAsync(V3 + "/account/whoami", account.AccessToken)).AssertOk();
        (await Http.GetMatrixAsync(V3 + "/account/whoami", other.AccessToken)).AssertError(401, "M_UNKNOWN_TOKEN");
        (await Http.PostMatrixAsync(V3 + "/login", new { type = "m.login.password", user = account.UserId, password = account.Password })).AssertError(403, "M_FORBIDDEN");
        await Http.LoginAsync(account.UserId, "new password 1");
    }

    [Fact]
    public async Task Password_stage_for_another_user_is_refused()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var response = await Http.PostMatrixAsync(V3 + "/account/password",
            new JsonObject { ["new_password"] = "new password 1", ["auth"] = PasswordAuth(bob) }, alice.AccessToken);
        Assert.Equal(401, (int)response.Status);
        Assert.Equal("M_FORBIDDEN", response.ErrCode);
        await Http.LoginAsync(alice.UserId, alice.Password);
    }

    [Fact]
    public async Task Deactivated_account_cannot_log_in()
    {
        var account = await Http.RegisterAsync();
        (await Http.PostMatrixAsync(V3 + "/account/deactivate", new JsonObject { ["auth"] = PasswordAuth(account) }, account.AccessToken)).AssertOk();

        (await Http.GetMatrixAsync(V3 + "/account/whoami", account.AccessToken)).AssertError(401, "M_UNKNOWN_TOKEN");
        (await Http.PostMatrixAsync(V3 + "/login", new { type = "m.login.password", user = account.UserId, password = account.Password }))
            .AssertError(403, "M_USER_DEACTIVATED");
        var localpart = account.UserId[1..account.UserId.IndexOf(':')];
        (await Http.GetMatrixAsync(V3 + "/register/available?username=" + localpart)).AssertError(400, "M_USER_IN_USE");
    }
}

public sealed class SqliteLoginTests(SqliteServer server) : LoginTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresLoginTests(PostgresServer server) : LoginTests(server), IClassFixture<PostgresServer>;
