using System.Net;
using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>
/// "OpenID": a user asks their server for an OpenID token (<c>POST /user/{userId}/openid/request_token</c>) and a third
/// party exchanges it at that server's <c>/_matrix/federation/v1/openid/userinfo</c>, which needs no X-Matrix signature,
/// for the user's id. Unknown tokens are 401 <c>M_UNKNOWN_TOKEN</c>; nobody gets a token for someone else.
/// </summary>
public abstract class OpenIdFederationTests(FederatingPair pair)
{
    [Fact]
    public async Task Token_issued_to_a_user_is_exchanged_for_their_id_without_a_server_signature()
    {
        var alice = await pair.A.Client.RegisterAsync();

        var issued = (await pair.A.Client.PostMatrixAsync($"{MatrixTestClient.V3}/user/{Uri.EscapeDataString(alice.UserId)}/openid/request_token", new { }, alice.AccessToken))
            .AssertOk().Body;

        Assert.Equal("Bearer", (string?)issued["token_type"]);
        Assert.Equal(pair.A.ServerName, (string?)issued["matrix_server_name"]);
        Assert.Equal(3600, (long)issued["expires_in"]!);
        var info = await UserInfoAsync((string)issued["access_token"]!);
        Assert.Equal(HttpStatusCode.OK, info.Status);
        Assert.Equal(alice.UserId, (string?)info.Body["sub"]);
    }

    [Fact]
    public async Task Unknown_token_is_refused_and_tokens_are_only_for_oneself()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var bob = await pair.A.Client.RegisterAsync();

        var unknown = await UserInfoAsync("not-a-token");
        Assert.Equal((HttpStatusCode.Unauthorized, "M_UNKNOWN_TOKEN"), (unknown.Status, (string?)unknown.Body["errcode"]));
        (await pair.A.Client.PostMatrixAsync($"{MatrixTestClient.V3}/user/{Uri.EscapeDataString(bob.UserId)}/openid/request_token", new { }, alice.AccessToken))
            .AssertError(403, "M_FORBIDDEN");
    }

    /// <summary>What a third party does: a plain GET on A's federation listener, with no X-Matrix header.</summary>
    private async Task<(HttpStatusCode Status, JsonObject Body)> UserInfoAsync(string token)
    {
        using var http = pair.A.RawFederationClient();
        using var response = await http.GetAsync("/_matrix/federation/v1/openid/userinfo?access_token=" + Uri.EscapeDataString(token));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }
}

public sealed class SqliteOpenIdFederationTests(SqliteFederatingPair pair) : OpenIdFederationTests(pair), IClassFixture<SqliteFederatingPair>;

public sealed class PostgresOpenIdFederationTests(PostgresFederatingPair pair) : OpenIdFederationTests(pair), IClassFixture<PostgresFederatingPair>;
