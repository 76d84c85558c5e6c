using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.DirectoryTestClient;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Directories;

/// <summary>
/// "User directory": who a search finds (users sharing a room with the searcher, users in rooms with a public join
/// rule or world-readable history; never others unless <c>search_all_users</c>), how it matches and its errors.
/// </summary>
public abstract class UserDirectoryTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private Task<MatrixResponse> SearchAsync(Session session, object body) =>
        Http.PostMatrixAsync($"{V3}/user_directory/search", body, session.AccessToken);

    private async Task<List<string>> FoundAsync(Session session, string term) =>
        (await SearchAsync(session, new { search_term = term })).AssertOk().Body["results"]!.AsArray().Select(r => (string)r!["user_id"]!).ToList();

    private async Task<Session> RegisterAsync(string hint) => await Http.RegisterAsync(NewUsername(hint));

    [Fact]
    public async Task Users_sharing_a_private_room_find_each_other_and_strangers_do_not()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var alice = await RegisterAsync("alice" + tag);
        var bob = await RegisterAsync("bob" + tag);
        var stranger = await RegisterAsync("stranger" + tag);
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "private_chat" });
        (await Http.RoomPostAsync(alice, roomId, "invite", new { user_id = bob.UserId })).AssertOk();

        // Invited is not joined: nobody is shared yet.
        Assert.DoesNotContain(bob.UserId, await FoundAsync(alice, tag));
        (await Http.JoinAsync(bob, roomId)).AssertOk();

        Assert.Equal(new[] { alice.UserId, bob.UserId }.Order(), (await FoundAsync(bob, tag)).Order());
        Assert.DoesNotContain(bob.UserId, await FoundAsync(stranger, tag));
        Assert.DoesNotContain(stranger.UserId, await FoundAsync(alice, tag));

        // Leaving ends the sharing.
        (await Http.RoomPostAsync(bob, roomId, "leave", new { })).AssertOk();
        Assert.DoesNotContain(bob.UserId, await FoundAsync(alice, tag));
    }

    [Fact]
    public async Task Members_of_public_or_world_readable_rooms_are_found_by_anyone()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var publicMember = await RegisterAsync("pub" + tag);
        var readableMember = await RegisterAsync("readable" + tag);
        var searcher = await RegisterAsync("searcher");
        await Http.CreateRoomAsync(publicMember, new { preset = "public_chat" });
        var readable = await Http.CreateRoomAsync(readableMember, new { preset = "private_chat" });
        Assert.DoesNotContain(readableMember.UserId, await FoundAsync(searcher, tag));

        (await Http.PutStateAsync(readableMember, readable, "m.room.history_visibility", "", new { history_visibility = "world_readable" })).AssertOk();

        Assert.Equal(new[] { publicMember.UserId, readableMember.UserId }.Order(), (await FoundAsync(searcher, tag)).Order());
    }

    [Fact]
    public async Task Display_names_from_member_events_match_case_insensitively_and_are_returned()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "private_chat", invite = new[] { bob.UserId } });
        (await Http.JoinAsync(bob, roomId)).AssertOk();
        var surname = "Иванов" + Guid.NewGuid().ToString("N")[..6];
        (await Http.PutStateAsync(bob, roomId, "m.room.member", bob.UserId,
            new { membership = "join", displayname = "Пётр " + surname, avatar_url = "mxc://test.local/bob" })).AssertOk();

        var response = (await SearchAsync(alice, new { search_term = surname.ToLowerInvariant() })).AssertOk();

        var user = Assert.Single(response.Body["results"]!.AsArray())!;
        Assert.Equal(bob.UserId, (string?)user["user_id"]);
        Assert.Equal("Пётр " + surname, (string?)user["display_name"]);
        Assert.Equal("mxc://test.local/bob", (string?)user["avatar_url"]);
        Assert.False((bool)response.Body["limited"]!);
    }

    [Fact]
    public async Task Limit_truncates_and_says_so()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var owner = await RegisterAsync("own" + tag);
        var roomId = await Http.CreateRoomAsync(owner, new { preset = "public_chat" });
        for (var i = 0; i < 3; i++) (await Http.JoinAsync(await RegisterAsync("mem" + tag), roomId)).AssertOk();

        var page = (await SearchAsync(owner, new { search_term = tag, limit = 2 })).AssertOk();
        var all = (await SearchAsync(owner, new { search_term = tag })).AssertOk();

        Assert.Equal(2, page.Body["results"]!.AsArray().Count);
        Assert.True((bool)page.Body["limited"]!);
        Assert.Equal(4, all.Body["results"]!.AsArray().Count);
        Assert.False((bool)all.Body["limited"]!);
    }

    [Fact]
    public async Task Bad_requests_get_the_spec_errors()
    {
        var alice = await Http.RegisterAsync();

        (await SearchAsync(alice, new { limit = 5 })).AssertError(400, "M_MISSING_PARAM");
        (await SearchAsync(alice, new { search_term = 5 })).AssertError(400, "M_BAD_JSON");
        (await SearchAsync(alice, new { search_term = "x", limit = -1 })).AssertError(400, "M_INVALID_PARAM");
        (await Http.PostMatrixAsync($"{V3}/user_directory/search", "not json", alice.AccessToken)).AssertError(400, "M_NOT_JSON");
        (await Http.PostMatrixAsync($"{V3}/user_directory/search", new { search_term = "x" })).AssertError(401, "M_MISSING_TOKEN");
    }

    [Fact]
    public async Task Without_search_all_users_a_user_in_no_room_is_not_found()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var lonely = await RegisterAsync("lonely" + tag);
        var searcher = await Http.RegisterAsync();

        Assert.DoesNotContain(lonely.UserId, await FoundAsync(searcher, tag));
    }
}

public sealed class SqliteUserDirectoryTests(SqliteServer server) : UserDirectoryTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresUserDirectoryTests(PostgresServer server) : UserDirectoryTests(server), IClassFixture<PostgresServer>;

/// <summary><c>user_directory.search_all_users: true</c>: every active local user is found, deactivated ones never.</summary>
public abstract class SearchAllUsersTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    [Fact]
    public async Task Every_active_local_user_is_found()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var lonely = await Http.RegisterAsync(NewUsername("lonely" + tag));
        var gone = await Http.RegisterAsync(NewUsername("gone" + tag));
        var searcher = await Http.RegisterAsync();
        (await Http.PostMatrixAsync($"{V3}/account/deactivate",
            new { auth = new { type = "m.login.password", identifier = new { type = "m.id.user", user = gone.UserId }, password = gone.Password } },
            gone.AccessToken)).AssertOk();

        var found = (await Http.PostMatrixAsync($"{V3}/user_directory/search", new { search_term = tag }, searcher.AccessToken)).AssertOk()
            .Body["results"]!.AsArray().Select(r => (string)r!["user_id"]!).ToList();

        Assert.Equal([lonely.UserId], found);
    }

    [Fact]
    public async Task A_profile_change_is_found_at_once_even_for_a_user_in_no_room()
    {
        var lonely = await Http.RegisterAsync();
        var searcher = await Http.RegisterAsync();
        var name = "Снежана" + Guid.NewGuid().ToString("N")[..6];

        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/profile/{Uri.EscapeDataString(lonely.UserId)}/displayname", new { displayname = name }, lonely.AccessToken)).AssertOk();
        var found = (await Http.PostMatrixAsync($"{V3}/user_directory/search", new { search_term = name.ToUpperInvariant() }, searcher.AccessToken)).AssertOk()
            .Body["results"]!.AsArray();

        var user = Assert.Single(found)!;
        Assert.Equal(lonely.UserId, (string?)user["user_id"]);
        Assert.Equal(name, (string?)user["display_name"]);
    }
}

/// <summary>SQLite server searching all users.</summary>
public sealed class SqliteSearchAllUsersServer : SqliteServer
{
    protected override string ExtraYaml => "user_directory: { search_all_users: true }";
}

/// <summary>PostgreSQL server searching all users.</summary>
public sealed class PostgresSearchAllUsersServer : PostgresServer
{
    protected override string ExtraYaml => "user_directory: { search_all_users: true }";
}

public sealed class SqliteSearchAllUsersTests(SqliteSearchAllUsersServer server) : SearchAllUsersTests(server), IClassFixture<SqliteSearchAllUsersServer>;

public sealed class PostgresSearchAllUsersTests(PostgresSearchAllUsersServer server) : SearchAllUsersTests(server), IClassFixture<PostgresSearchAllUsersServer>;
