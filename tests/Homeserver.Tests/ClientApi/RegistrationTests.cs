using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.ClientApi;

/// <summary>"Account registration" with User-Interactive Authentication, on both databases.</summary>
public abstract class RegistrationTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    [Fact]
    public async Task First_request_without_auth_gets_401_with_dummy_flow_and_session()
    {
        var response = await Http.PostMatrixAsync(V3 + "/register", new { username = NewUsername(), password = "correct horse" });

        Assert.Equal(401, (int)response.Status);
        Assert.Null(response.ErrCode);
        var flows = response.Body["flows"]!.AsArray().Select(f => f!["stages"]!.AsArray().Select(s => (string)s!).ToArray()).ToList();
        Assert.Contains(flows, stages => stages.SequenceEqual(["m.login.dummy"]));
        Assert.NotEmpty(response.String("session"));
        Assert.IsType<JsonObject>(response.Body["params"]);
    }

    [Fact]
    public async Task Dummy_flow_with_session_registers_and_logs_in()
    {
        var session = await Http.RegisterAsync(NewUsername("alice"));

        var whoami = (await Http.GetMatrixAsync(V3 + "/account/whoami", session.AccessToken)).AssertOk();
        Assert.Equal(session.UserId, whoami.String("user_id"));
        Assert.Equal(session.DeviceId, whoami.String("device_id"));
        Assert.EndsWith(":" + ServerFixture.ServerName, session.UserId);
    }

    [Fact]
    public async Task Auth_in_the_first_request_without_session_succeeds_as_matrix_nio_sends_it()
    {
        var username = NewUsername();
        var response = await Http.PostMatrixAsync(V3 + "/register",
            new { username, password = "correct horse", auth = new { type = "m.login.dummy" } });

        response.AssertOk();
        Assert.Equal($"@{username}:{ServerFixture.ServerName}", response.String("user_id"));
    }

    [Fact]
    public async Task Legacy_r0_prefix_registers_too()
    {
        var response = await Http.PostMatrixAsync("/_matrix/client/r0/register",
            new { username = NewUsername(), password = "correct horse", auth = new { type = "m.login.dummy" } });
        response.AssertOk();
    }

    [Fact]
    public async Task Taken_username_is_refused_before_authentication()
    {
        var existing = await Http.RegisterAsync();
        var localpart = existing.UserId[1..existing.UserId.IndexOf(':')];

        var response = await Http.PostMatrixAsync(V3 + "/register", new { username = localpart, password = "correct horse" });

        response.AssertError(400, "M_USER_IN_USE");
        (await Http.GetMatrixAsync(V3 + "/register/available?username=" + localpart)).AssertError(400, "M_USER_IN_USE");
    }

    [Fact]
    public async Task Username_is_lower_cased()
    {
        var username = NewUsername("MiXeD");
        var response = await Http.PostMatrixAsync(V3 + "/register", new { username, password = "correct horse", auth = new { type = "m.login.dummy" } });
        Assert.Equal($"@{username.ToLowerInvariant()}:{ServerFixture.ServerName}", response.AssertOk().String("user_id"));
    }

    [Theory]
    [InlineData("with space")]
    [InlineData("emoji\u263A")]
    [InlineData("colon:here")]
    [InlineData("_reserved_for_appservices")]
    public async Task Invalid_username_is_M_INVALID_USERNAME(string username)
    {
        (await Http.PostMatrixAsync(V3 + "/register", new { username, password = "correct horse", auth = new { type = "m.login.dummy" } }))
            .AssertError(400, "M_INVALID_USERNAME");
        (await Http.GetMatrixAsync(V3 + "/register/available?username=" + Uri.EscapeDataString(username))).AssertError(400, "M_INVALID_USERNAME");
    }

    [Fact]
    public async Task Username_over_255_bytes_as_user_id_is_refused()
    {
        var username = new string('a', 250);
        (await Http.PostMatrixAsync(V3 + "/register", new { username, password = "correct horse" })).AssertError(400, "M_INVALID_USERNAME");
    }

    [Fact]
    public async Task Available_username_is_reported_available()
    {
        var response = (await Http.GetMatrixAsync(V3 + "/register/available?username=" + NewUsername())).AssertOk();
        Assert.True((bool)response.Body["available"]!);
    }

    [Fact]
    public async Task Missing_username_parameter_on_available_is_M_MISSING_PARAM() =>
        (await Http.GetMatrixAsync(V3 + "/register/available")).AssertError(400, "M_MISSING_PARAM");

    [Fact]
    public async Task Short_password_is_M_WEAK_PASSWORD() =>
        (await Http.PostMatrixAsync(V3 + "/register", new { username = NewUsername(), password = "short" })).AssertError(400, "M_WEAK_PASSWORD");

    [Fact]
    public async Task Missing_password_is_M_MISSING_PARAM() =>
        (await Http.PostMatrixAsync(V3 + "/register", new { username = NewUsername() })).AssertError(400, "M_MISSING_PARAM");

    [Fact]
    public async Task Guest_registration_is_forbidden() =>
        (await Http.PostMatrixAsync(V3 + "/register?kind=guest", new { })).AssertError(403, "M_GUEST_ACCESS_FORBIDDEN");

    [Fact]
    public async Task Wrong_type_of_field_is_M_BAD_JSON() =>
        (await Http.PostMatrixAsync(V3 + "/register", "{\"username\": 12, \"password\": \"correct horse\"}")).AssertError(400, "M_BAD_JSON");

    [Fact]
    public async Task Unknown_stage_type_gets_401_with_error_and_same_session()
    {
        var first = await Http.PostMatrixAsync(V3 + "/register", new { username = NewUsername(), password = "correct horse" });
        var session = first.String("session");
        var response = await Http.PostMatrixAsync(V3 + "/register",
            new { username = NewUsername(), password = "correct horse", auth = new { type = "m.login.nonsense", session } });

        Assert.Equal(401, (int)response.Status);
        Assert.Equal("M_UNRECOGNIZED", response.ErrCode);
        Assert.Equal(session, response.String("session"));
    }

    [Fact]
    public async Task Unknown_session_is_refused()
    {
        var response = await Http.PostMatrixAsync(V3 + "/register",
            new { username = NewUsername(), password = "correct horse", auth = new { type = "m.login.dummy", session = "no-such-session" } });
        Assert.Equal(400, (int)response.Status);
        Assert.NotNull(response.ErrCode);
    }

    [Fact]
    public async Task A_completed_session_cannot_register_a_second_account()
    {
        var first = await Http.PostMatrixAsync(V3 + "/register", new { username = NewUsername(), password = "correct horse" });
        var session = first.String("session");
        (await Http.PostMatrixAsync(V3 + "/register", new { username = NewUsername(), password = "correct horse", auth = new { type = "m.login.dummy", session } })).AssertOk();

        var again = await Http.PostMatrixAsync(V3 + "/register", new { username = NewUsername(), password = "correct horse", auth = new { type = "m.login.dummy", session } });
        Assert.Equal(400, (int)again.Status);
    }

    [Fact]
    public async Task Inhibit_login_returns_only_the_user_id()
    {
        var response = (await Http.PostMatrixAsync(V3 + "/register",
            new { username = NewUsername(), password = "correct horse", inhibit_login = true, auth = new { type = "m.login.dummy" } })).AssertOk();
        Assert.NotNull(response.Body["user_id"]);
        Assert.Null(response.Body["access_token"]);
        Assert.Null(response.Body["device_id"]);
    }

    [Fact]
    public async Task Initial_device_display_name_and_device_id_are_used()
    {
        var response = (await Http.PostMatrixAsync(V3 + "/register", new
        {
            username = NewUsername(), password = "correct horse", device_id = "MYPHONE", initial_device_display_name = "My phone",
            auth = new { type = "m.login.dummy" },
        })).AssertOk();
        Assert.Equal("MYPHONE", response.String("device_id"));

        var device = (await Http.GetMatrixAsync(V3 + "/devices/MYPHONE", response.String("access_token"))).AssertOk();
        Assert.Equal("My phone", device.String("display_name"));
    }

    [Fact]
    public async Task No_username_generates_one()
    {
        var response = (await Http.PostMatrixAsync(V3 + "/register", new { password = "correct horse", auth = new { type = "m.login.dummy" } })).AssertOk();
        Assert.Matches("^@[a-z0-9]+:" + ServerFixture.ServerName + "$", response.String("user_id"));
    }

    [Fact]
    public async Task Registration_token_validity_needs_a_token_and_rejects_unknown_ones()
    {
        var validity = (await Http.GetMatrixAsync("/_matrix/client/v1/register/m.login.registration_token/validity?token=unknown")).AssertOk();
        Assert.False((bool)validity.Body["valid"]!);
        (await Http.GetMatrixAsync("/_matrix/client/v1/register/m.login.registration_token/validity")).AssertError(400, "M_MISSING_PARAM");
    }
}

public sealed class SqliteRegistrationTests(SqliteServer server) : RegistrationTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresRegistrationTests(PostgresServer server) : RegistrationTests(server), IClassFixture<PostgresServer>;
