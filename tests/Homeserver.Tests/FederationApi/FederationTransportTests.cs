using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Messenger.Federation.Client;
using Messenger.Federation.Keys;
using Messenger.Federation.Ports;
using Messenger.Federation.Protocol.Keys;
using Messenger.Federation.Protocol.Signing;
using Messenger.Federation.XMatrix;
using Messenger.Homeserver.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>
/// Two real homeservers over HTTPS on 127.0.0.1 (server-server API, "Retrieving server keys" and "Request
/// Authentication"): A discovers B through DNS SRV, fetches and caches B's keys, and signs requests B accepts;
/// requests that are unsigned, forged, for another destination or from a blocked server are refused.
/// </summary>
public abstract class FederationTransportTests(FederatingPair servers)
{
    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    [Fact]
    public async Task Server_fetches_the_other_servers_keys_and_keeps_them_in_its_database()
    {
        var keyOfB = servers.B.Services.GetRequiredService<ServerSigningKey>();

        var keys = await servers.A.Services.GetRequiredService<IServerKeyResolver>()
            .GetVerifyKeysAsync(FederatingPair.NameB, [keyOfB.KeyId], Now, TestContext.Current.CancellationToken);

        Assert.Equal(keyOfB.PublicKeyBase64, keys[keyOfB.KeyId].Key.Base64);
        Assert.True(keys[keyOfB.KeyId].ValidUntilTs > Now + TimeSpan.FromHours(23).TotalMilliseconds);
        await using var scope = servers.A.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<IServerKeyStore>().GetKeysAsync(FederatingPair.NameB, TestContext.Current.CancellationToken);
        var row = Assert.Single(stored, k => k.KeyId == keyOfB.KeyId);
        Assert.Equal(keyOfB.PublicKeyBase64, row.VerifyKey);
    }

    [Fact]
    public async Task Published_keys_are_self_signed_and_valid_for_a_day()
    {
        using var http = servers.B.RawFederationClient();
        var response = await http.GetAsync("/_matrix/key/v2/server", TestContext.Current.CancellationToken);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();
        var key = servers.B.Services.GetRequiredService<ServerSigningKey>();

        Assert.Equal(FederatingPair.NameB, (string?)json["server_name"]);
        Assert.Equal(key.PublicKeyBase64, (string?)json["verify_keys"]![key.KeyId]!["key"]);
        Assert.NotNull(json["old_verify_keys"] as JsonObject);
        Assert.InRange((long)json["valid_until_ts"]!, Now + (long)TimeSpan.FromHours(23).TotalMilliseconds, Now + (long)TimeSpan.FromHours(25).TotalMilliseconds);
        Assert.True(JsonSignatures.Verify(json, FederatingPair.NameB, key.KeyId, key.VerifyKey).IsValid);
    }

    [Fact]
    public async Task Notary_query_returns_the_servers_own_response_with_the_notarys_signature_added()
    {
        using var http = servers.A.RawFederationClient();
        var response = await http.GetAsync($"/_matrix/key/v2/query/{FederatingPair.NameB}?minimum_valid_until_ts={Now}", TestContext.Current.CancellationToken);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();
        var keyA = servers.A.Services.GetRequiredService<ServerSigningKey>();
        var keyB = servers.B.Services.GetRequiredService<ServerSigningKey>();

        var entry = Assert.Single(json["server_keys"]!.AsArray())!.AsObject();
        Assert.Equal(FederatingPair.NameB, (string?)entry["server_name"]);
        Assert.True(JsonSignatures.Verify(entry, FederatingPair.NameB, keyB.KeyId, keyB.VerifyKey).IsValid);
        Assert.True(JsonSignatures.Verify(entry, FederatingPair.NameA, keyA.KeyId, keyA.VerifyKey).IsValid);
    }

    [Fact]
    public async Task Notary_post_query_covers_several_servers_and_leaves_out_unreachable_ones()
    {
        using var http = servers.A.RawFederationClient();
        var body = new JsonObject
        {
            ["server_keys"] = new JsonObject
            {
                [FederatingPair.NameB] = new JsonObject(),
                [FederatingPair.NameA] = new JsonObject(),
                ["nowhere.fed.test"] = new JsonObject(),
            },
        };
        var response = await http.PostAsync("/_matrix/key/v2/query", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();

        var names = json["server_keys"]!.AsArray().Select(e => (string?)e!["server_name"]).Order().ToList();
        Assert.Equal([FederatingPair.NameA, FederatingPair.NameB], names);
    }

    [Fact]
    public async Task Signed_request_from_the_other_server_is_accepted()
    {
        var user = await servers.B.Client.RegisterAsync();

        var profile = await servers.A.Services.GetRequiredService<IFederationClient>().GetJsonAsync(FederatingPair.NameB,
            "/_matrix/federation/v1/query/profile?user_id=" + Uri.EscapeDataString(user.UserId), TestContext.Current.CancellationToken);

        Assert.Equal(user.UserId.Split(':')[0][1..], (string?)profile["displayname"]);
    }

    /// <summary>
    /// GET /_matrix/federation/v1/version, unauthenticated; its OpenAPI response is exactly
    /// <c>{"server": {"name": string, "version": string}}</c>.
    /// </summary>
    [Fact]
    public async Task Version_answers_without_authentication_with_exactly_the_server_name_and_version()
    {
        using var http = servers.B.RawFederationClient();
        using var response = await http.GetAsync("/_matrix/federation/v1/version", TestContext.Current.CancellationToken);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["server"], json.Select(p => p.Key));
        var server = json["server"]!.AsObject();
        Assert.Equal(["name", "version"], server.Select(p => p.Key).Order());
        Assert.Equal("Messenger", (string?)server["name"]);
        Assert.Matches(@"^\d+\.\d+\.\d+", (string?)server["version"]);
    }

    [Fact]
    public async Task Request_without_authorization_is_refused_with_401()
    {
        var response = await SendToBAsync(null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("M_UNAUTHORIZED", response.Errcode);
    }

    [Fact]
    public async Task Request_signed_for_another_uri_is_refused_with_401()
    {
        var header = SignAsA("GET", "/_matrix/federation/v1/query/profile?user_id=%40other%3Ab.fed.test", FederatingPair.NameB);
        var response = await SendToBAsync(header);
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("M_UNAUTHORIZED", response.Errcode);
    }

    [Fact]
    public async Task Request_for_another_destination_is_refused_with_401()
    {
        var header = SignAsA("GET", ProfilePath, "c.fed.test");
        var response = await SendToBAsync(header);
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("M_UNAUTHORIZED", response.Errcode);
    }

    [Fact]
    public async Task Request_signed_with_a_key_that_is_not_the_origins_is_refused_with_401()
    {
        using var forger = ServerSigningKey.Generate();
        var keyOfA = servers.A.Services.GetRequiredService<ServerSigningKey>();
        // Same key id as A's real key, other key material: the signature cannot verify against A's published key.
        using var impostor = ServerSigningKey.FromSeed(keyOfA.Version, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var header = XMatrixSigning.Sign("GET", ProfilePath, FederatingPair.NameA, FederatingPair.NameB, null, impostor)!;
        var unknownKey = XMatrixSigning.Sign("GET", ProfilePath, FederatingPair.NameA, FederatingPair.NameB, null, forger)!;

        var forged = await SendToBAsync(header.ToString());
        var unknown = await SendToBAsync(unknownKey.ToString());

        Assert.Equal(HttpStatusCode.Unauthorized, forged.Status);
        Assert.Equal("M_UNAUTHORIZED", forged.Errcode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.Status);
        Assert.Equal("M_UNAUTHORIZED", unknown.Errcode);
    }

    [Fact]
    public async Task Correctly_signed_raw_request_is_accepted_and_the_same_header_with_a_changed_body_is_not()
    {
        var body = new JsonObject { ["server_keys"] = new JsonObject() };
        var header = XMatrixSigning.Sign("GET", ProfilePath, FederatingPair.NameA, FederatingPair.NameB, null,
            servers.A.Services.GetRequiredService<ServerSigningKey>())!;
        var ok = await SendToBAsync(header.ToString());
        var tampered = await SendToBAsync(header.ToString(), body);

        Assert.Equal(HttpStatusCode.NotFound, ok.Status); // authenticated; the user does not exist
        Assert.Equal("M_NOT_FOUND", ok.Errcode);
        Assert.Equal(HttpStatusCode.Unauthorized, tampered.Status);
    }

    [Fact]
    public async Task Request_from_a_blocked_server_is_refused_with_403()
    {
        using var key = ServerSigningKey.Generate();
        var header = XMatrixSigning.Sign("GET", ProfilePath, FederatingPair.Blocked, FederatingPair.NameB, null, key)!;
        var response = await SendToBAsync(header.ToString());
        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.Equal("M_FORBIDDEN", response.Errcode);
    }

    [Fact]
    public async Task Outbound_requests_to_a_blocked_server_are_never_made()
    {
        var error = await Assert.ThrowsAsync<FederationRequestException>(() => servers.B.Services.GetRequiredService<IFederationClient>()
            .GetJsonAsync(FederatingPair.Blocked, "/_matrix/federation/v1/version", TestContext.Current.CancellationToken));
        Assert.Equal(403, error.Status);
    }

    private const string ProfilePath = "/_matrix/federation/v1/query/profile?user_id=%40nobody%3Ab.fed.test";

    private string SignAsA(string method, string uri, string destination) =>
        XMatrixSigning.Sign(method, uri, FederatingPair.NameA, destination, null, servers.A.Services.GetRequiredService<ServerSigningKey>())!.ToString();

    private async Task<(HttpStatusCode Status, string? Errcode)> SendToBAsync(string? authorization, JsonObject? body = null)
    {
        using var http = servers.B.RawFederationClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, ProfilePath);
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)) as JsonObject;
        return (response.StatusCode, (string?)json?["errcode"]);
    }
}

public sealed class SqliteFederationTransportTests(SqliteFederatingPair servers)
    : FederationTransportTests(servers), IClassFixture<SqliteFederatingPair>;

public sealed class PostgresFederationTransportTests(PostgresFederatingPair servers)
    : FederationTransportTests(servers), IClassFixture<PostgresFederatingPair>;
