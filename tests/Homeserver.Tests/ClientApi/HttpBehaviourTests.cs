using System.Net;
using System.Text;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.ClientApi;

/// <summary>Errors, limits, CORS and discovery: what every endpoint shares ("API Standards", "Web Browser Clients").</summary>
public sealed class HttpBehaviourTests(RestrictedServer server) : IClassFixture<RestrictedServer>
{
    private HttpClient Http => server.Client;

    [Fact]
    public async Task Unknown_endpoint_is_404_M_UNRECOGNIZED() =>
        (await Http.GetMatrixAsync(V3 + "/no/such/endpoint")).AssertError(404, "M_UNRECOGNIZED");

    [Fact]
    public async Task Known_path_with_wrong_method_is_405_M_UNRECOGNIZED() =>
        (await Http.SendMatrixAsync(HttpMethod.Delete, V3 + "/login")).AssertError(405, "M_UNRECOGNIZED");

    [Fact]
    public async Task Body_that_is_not_json_is_M_NOT_JSON()
    {
        (await Http.PostMatrixAsync(V3 + "/login", "{not json")).AssertError(400, "M_NOT_JSON");
        (await Http.PostMatrixAsync(V3 + "/login", "")).AssertError(400, "M_NOT_JSON");
    }

    [Fact]
    public async Task Json_that_is_not_an_object_or_has_duplicate_keys_is_refused()
    {
        (await Http.PostMatrixAsync(V3 + "/login", "[1,2]")).AssertError(400, "M_BAD_JSON");
        (await Http.PostMatrixAsync(V3 + "/login", "{\"type\":\"m.login.password\",\"type\":\"x\"}")).AssertError(400, "M_NOT_JSON");
    }

    [Fact]
    public async Task Body_over_the_limit_is_413_M_TOO_LARGE()
    {
        var big = "{\"pad\":\"" + new string('a', 70_000) + "\"}";
        (await Http.PostMatrixAsync(V3 + "/login", big)).AssertError(413, "M_TOO_LARGE");
    }

    [Fact]
    public async Task Every_response_carries_cors_headers_and_options_is_answered_without_logic()
    {
        using var options = new HttpRequestMessage(HttpMethod.Options, V3 + "/login");
        options.Headers.Add("Origin", "https://app.element.io");
        var preflight = await Http.SendAsync(options);
        Assert.True(preflight.IsSuccessStatusCode);
        Assert.Equal("*", preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("Authorization", preflight.Headers.GetValues("Access-Control-Allow-Headers").Single());
        Assert.Contains("PUT", preflight.Headers.GetValues("Access-Control-Allow-Methods").Single());

        var error = await Http.GetMatrixAsync(V3 + "/account/whoami");
        Assert.Equal("*", error.Raw.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Versions_and_well_known_are_served()
    {
        var versions = (await Http.GetMatrixAsync("/_matrix/client/versions")).AssertOk();
        Assert.Contains("v1.1", versions.Body["versions"]!.AsArray().Select(v => (string)v!));
        Assert.Contains("r0.6.1", versions.Body["versions"]!.AsArray().Select(v => (string)v!));
        // Clients use authenticated media only when v1.11 is listed; new media is not on the legacy routes.
        Assert.Contains("v1.11", versions.Body["versions"]!.AsArray().Select(v => (string)v!));

        var client = (await Http.GetMatrixAsync("/.well-known/matrix/client")).AssertOk();
        Assert.Equal($"https://{ServerFixture.ServerName}/", (string?)client.Body["m.homeserver"]!["base_url"]);
        var serverWk = (await Http.GetMatrixAsync("/.well-known/matrix/server")).AssertOk();
        Assert.StartsWith(ServerFixture.ServerName + ":", serverWk.String("m.server"));
    }

    [Fact]
    public async Task Capabilities_need_a_token_and_offer_password_change()
    {
        (await Http.GetMatrixAsync(V3 + "/capabilities")).AssertError(401, "M_MISSING_TOKEN");
        var response = await Http.PostMatrixAsync(V3 + "/register", new
        {
            username = NewUsername(), password = "correct horse", auth = new { type = "m.login.registration_token", token = "unlimited" },
        });
        var capabilities = (await Http.GetMatrixAsync(V3 + "/capabilities", response.AssertOk().String("access_token"))).AssertOk();
        Assert.True((bool)capabilities.Body["capabilities"]!["m.change_password"]!["enabled"]!);
    }

    [Fact]
    public async Task Errors_are_json_never_html()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, V3 + "/login") { Content = new StringContent("<html>", Encoding.UTF8, "text/html") };
        var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }
}
