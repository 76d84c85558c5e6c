using Messenger.Federation.Client;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.FederationApi.InviteFederationTests;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>
/// "Querying for information" between two real servers: another server's room alias resolves through
/// <c>/query/directory</c> (for <c>GET /directory/room</c> and joining by alias, its servers being the ones joined
/// through), and another server's user's profile through <c>/query/profile</c>, kept for a short while.
/// </summary>
public abstract class QueryFederationTests(FederatingPair pair)
{
    private const string V3 = MatrixTestClient.V3;

    [Fact]
    public async Task Remote_alias_resolves_and_joining_by_it_goes_through_its_servers()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var localpart = "lobby" + Guid.NewGuid().ToString("N")[..8];
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new { preset = "public_chat", room_alias_name = localpart });
        var alias = $"#{localpart}:{pair.A.ServerName}";
        var bob = await pair.B.Client.RegisterAsync();

        var resolved = (await pair.B.Client.GetMatrixAsync($"{V3}/directory/room/{Uri.EscapeDataString(alias)}", bob.AccessToken)).AssertOk().Body;
        Assert.Equal(roomId, (string?)resolved["room_id"]);
        Assert.Contains(resolved["servers"]!.AsArray(), s => (string?)s == pair.A.ServerName);

        var joined = await pair.B.Client.PostMatrixAsync($"{V3}/join/{Uri.EscapeDataString(alias)}", new { }, bob.AccessToken);
        Assert.Equal(roomId, joined.AssertOk().String("room_id"));
        Assert.True((await pair.A.Client.RoomGetAsync(alice, roomId, "joined_members")).AssertOk().Body["joined"]!.AsObject().ContainsKey(bob.UserId));
    }

    [Fact]
    public async Task Unknown_remote_alias_is_not_found()
    {
        var bob = await pair.B.Client.RegisterAsync();
        var alias = $"#nothing{Guid.NewGuid():N}:{pair.A.ServerName}";

        (await pair.B.Client.GetMatrixAsync($"{V3}/directory/room/{Uri.EscapeDataString(alias)}", bob.AccessToken)).AssertError(404, "M_NOT_FOUND");
        (await pair.B.Client.PostMatrixAsync($"{V3}/join/{Uri.EscapeDataString(alias)}", new { }, bob.AccessToken)).AssertError(404, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Query_directory_answers_only_for_the_servers_own_aliases()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var localpart = "own" + Guid.NewGuid().ToString("N")[..8];
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new { preset = "public_chat", room_alias_name = localpart });
        string Path(string alias) => "/_matrix/federation/v1/query/directory?room_alias=" + Uri.EscapeDataString(alias);

        var answer = await Client(pair.B).GetJsonAsync(pair.A.ServerName, Path($"#{localpart}:{pair.A.ServerName}"), CancellationToken.None);
        Assert.Equal(roomId, (string?)answer["room_id"]);
        Assert.Equal(pair.A.ServerName, (string?)answer["servers"]![0]);

        var foreign = await Assert.ThrowsAsync<FederationRequestException>(() => Client(pair.B).GetJsonAsync(pair.A.ServerName,
            Path($"#{localpart}:{pair.B.ServerName}"), CancellationToken.None, FederationCallOptions.NoRetry));
        Assert.Equal((404, "M_NOT_FOUND"), (foreign.Status, foreign.Errcode));
        var missing = await Assert.ThrowsAsync<FederationRequestException>(() => Client(pair.B).GetJsonAsync(pair.A.ServerName,
            "/_matrix/federation/v1/query/directory", CancellationToken.None, FederationCallOptions.NoRetry));
        Assert.Equal((400, "M_MISSING_PARAM"), (missing.Status, missing.Errcode));
    }

    [Fact]
    public async Task Remote_profile_is_read_through_the_users_server_and_kept_briefly()
    {
        var alice = await pair.A.Client.RegisterAsync();
        (await pair.A.Client.SendMatrixAsync(HttpMethod.Put, $"{V3}/profile/{Uri.EscapeDataString(alice.UserId)}/displayname", new { displayname = "Alice of A" }, alice.AccessToken)).AssertOk();
        var profilePath = $"{V3}/profile/{Uri.EscapeDataString(alice.UserId)}";

        var profile = (await pair.B.Client.GetMatrixAsync(profilePath)).AssertOk().Body;
        Assert.Equal("Alice of A", (string?)profile["displayname"]);
        Assert.Equal("Alice of A", (string?)(await pair.B.Client.GetMatrixAsync(profilePath + "/displayname")).AssertOk().Body["displayname"]);
        (await pair.B.Client.GetMatrixAsync(profilePath + "/avatar_url")).AssertError(404, "M_NOT_FOUND");

        // Within the cache period B answers from what it fetched; A itself already has the new name.
        (await pair.A.Client.SendMatrixAsync(HttpMethod.Put, $"{profilePath}/displayname", new { displayname = "Renamed" }, alice.AccessToken)).AssertOk();
        Assert.Equal("Alice of A", (string?)(await pair.B.Client.GetMatrixAsync(profilePath)).AssertOk().Body["displayname"]);
        Assert.Equal("Renamed", (string?)(await pair.A.Client.GetMatrixAsync(profilePath)).AssertOk().Body["displayname"]);
    }

    [Fact]
    public async Task Unknown_remote_user_has_no_profile()
    {
        var nobody = $"@nobody{Guid.NewGuid():N}:{pair.A.ServerName}";

        (await pair.B.Client.GetMatrixAsync($"{V3}/profile/{Uri.EscapeDataString(nobody)}")).AssertError(404, "M_NOT_FOUND");
    }
}

public sealed class SqliteQueryFederationTests(SqliteFederatingPair pair) : QueryFederationTests(pair), IClassFixture<SqliteFederatingPair>;

public sealed class PostgresQueryFederationTests(PostgresFederatingPair pair) : QueryFederationTests(pair), IClassFixture<PostgresFederatingPair>;
