using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.ClientApi;

/// <summary>"Token-authenticated registration" (<c>m.login.registration_token</c>) on a server that requires it.</summary>
public sealed class RegistrationTokenTests(RestrictedServer server) : IClassFixture<RestrictedServer>
{
    private const string Validity = "/_matrix/client/v1/register/m.login.registration_token/validity?token=";
    private HttpClient Http => server.Client;

    [Fact]
    public async Task Only_the_token_flow_is_offered()
    {
        var response = await Http.PostMatrixAsync(V3 + "/register", new { username = NewUsername(), password = "correct horse" });
        var flows = response.Body["flows"]!.AsArray().Select(f => string.Join(",", f!["stages"]!.AsArray().Select(s => (string)s!))).ToList();
        Assert.Equal(["m.login.registration_token"], flows);
    }

    [Fact]
    public async Task Dummy_stage_is_not_enough()
    {
        var response = await Http.PostMatrixAsync(V3 + "/register", new { username = NewUsername(), password = "correct horse", auth = new { type = "m.login.dummy" } });
        Assert.Equal(401, (int)response.Status);
    }

    [Fact]
    public async Task Unknown_and_expired_tokens_are_refused_with_401_and_may_be_retried()
    {
        foreach (var token in new[] { "wrong", "expired" })
        {
            var response = await Http.PostMatrixAsync(V3 + "/register",
                new { username = NewUsername(), password = "correct horse", auth = new { type = "m.login.registration_token", token } });
            Assert.Equal(401, (int)response.Status);
            Assert.Equal("M_UNAUTHORIZED", response.ErrCode);
            Assert.NotEmpty(response.String("session"));
            Assert.False((bool)(await Http.GetMatrixAsync(Validity + token)).AssertOk().Body["valid"]!);
        }
    }

    [Fact]
    public async Task Single_use_token_registers_once()
    {
        Assert.True((bool)(await Http.GetMatrixAsync(Validity + "single-use")).AssertOk().Body["valid"]!);

        (await Http.PostMatrixAsync(V3 + "/register", new
        {
            username = NewUsername(), password = "correct horse", auth = new { type = "m.login.registration_token", token = "single-use" },
        })).AssertOk();

        Assert.False((bool)(await Http.GetMatrixAsync(Validity + "single-use")).AssertOk().Body["valid"]!);
        var second = await Http.PostMatrixAsync(V3 + "/register", new
        {
            username = NewUsername(), password = "correct horse", auth = new { type = "m.login.registration_token", token = "single-use" },
        });
        Assert.Equal(401, (int)second.Status);
    }

    [Fact]
    public async Task Unlimited_token_registers_many()
    {
        for (var i = 0; i < 3; i++)
        {
            (await Http.PostMatrixAsync(V3 + "/register", new
            {
                username = NewUsername(), password = "correct horse", auth = new { type = "m.login.registration_token", token = "unlimited" },
            })).AssertOk();
        }
    }

    [Fact]
    public async Task Token_over_64_characters_is_M_INVALID_PARAM() =>
        (await Http.GetMatrixAsync(Validity + new string('a', 65))).AssertError(400, "M_INVALID_PARAM");
}
