using System.Security.Cryptography;
using System.Text;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Admin;

/// <summary>Synapse-compatible shared-secret registration, as <c>register_new_matrix_user</c> drives it.</summary>
public sealed class SharedSecretRegistrationTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    private const string Path = "/_synapse/admin/v1/register";
    private HttpClient Http => server.Client;

    private string Mac(string nonce, string user, string password, bool admin, string? userType = null)
    {
        var message = $"{nonce}\0{user}\0{password}\0{(admin ? "admin" : "notadmin")}" + (userType is null ? "" : "\0" + userType);
        return Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(server.SharedSecret), Encoding.UTF8.GetBytes(message)));
    }

    [Fact]
    public async Task Correct_mac_registers_an_account_that_can_log_in()
    {
        var nonce = (await Http.GetMatrixAsync(Path)).AssertOk().String("nonce");
        var user = NewUsername("admin");

        var response = (await Http.PostMatrixAsync(Path, new { nonce, username = user, password = "correct horse", admin = true, mac = Mac(nonce, user, "correct horse", true) })).AssertOk();

        Assert.Equal($"@{user}:{ServerFixture.ServerName}", response.String("user_id"));
        (await Http.GetMatrixAsync(V3 + "/account/whoami", response.String("access_token"))).AssertOk();
        await Http.LoginAsync(user, "correct horse");
    }

    [Fact]
    public async Task Wrong_mac_is_forbidden_and_the_nonce_is_spent()
    {
        var nonce = (await Http.GetMatrixAsync(Path)).AssertOk().String("nonce");
        var user = NewUsername();

        (await Http.PostMatrixAsync(Path, new { nonce, username = user, password = "correct horse", admin = false, mac = Mac(nonce, user, "other", false) }))
            .AssertError(403, "M_FORBIDDEN");
        (await Http.PostMatrixAsync(Path, new { nonce, username = user, password = "correct horse", admin = false, mac = Mac(nonce, user, "correct horse", false) }))
            .AssertError(400, "M_UNKNOWN");
        (await Http.GetMatrixAsync(V3 + "/register/available?username=" + user)).AssertOk();
    }

    [Fact]
    public async Task Unknown_nonce_is_refused() =>
        (await Http.PostMatrixAsync(Path, new { nonce = "made-up", username = "x", password = "correct horse", mac = "00" })).AssertError(400, "M_UNKNOWN");
}
