using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.DirectoryTestClient;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Directories;

/// <summary>
/// "Published room directory": <c>GET/POST /publicRooms</c> and <c>GET/PUT /directory/list/room/{roomId}</c>. The
/// server is shared by the class, so each test finds its own rooms by a unique search term.
/// </summary>
public abstract class PublicRoomsTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private static string ListPath(string roomId) => $"{V3}/directory/list/room/{Uri.EscapeDataString(roomId)}";

    private Task<MatrixResponse> SearchAsync(Session session, object body, string? serverName = null) =>
        Http.PostMatrixAsync($"{V3}/publicRooms" + (serverName is null ? "" : "?server=" + Uri.EscapeDataString(serverName)), body, session.AccessToken);

    private static List<string> RoomIds(MatrixResponse response) =>
        response.Body["chunk"]!.AsArray().Select(r => (string)r!["room_id"]!).ToList();

    private static string Unique() => "term" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Published_room_is_listed_with_every_chunk_field_and_private_rooms_are_not()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var term = Unique();
        var alias = NewAlias();
        var roomId = await Http.CreateRoomAsync(alice, new
        {
            visibility = "public", preset = "public_chat", name = "Room " + term, topic = "All about " + term,
            room_alias_name = alias[1..alias.IndexOf(':')],
        });
        (await Http.PutStateAsync(alice, roomId, "m.room.avatar", "", new { url = "mxc://test.local/avatar" })).AssertOk();
        (await Http.PutStateAsync(alice, roomId, "m.room.history_visibility", "", new { history_visibility = "world_readable" })).AssertOk();
        (await Http.PutStateAsync(alice, roomId, "m.room.guest_access", "", new { guest_access = "can_join" })).AssertOk();
        (await Http.JoinAsync(bob, roomId)).AssertOk();
        await Http.CreateRoomAsync(alice, new { visibility = "private", name = "Hidden " + term });

        var response = (await SearchAsync(alice, new { filter = new { generic_search_term = term } })).AssertOk();

        var chunk = Assert.Single(response.Body["chunk"]!.AsArray())!.AsObject();
        Assert.Equal(roomId, (string?)chunk["room_id"]);
        Assert.Equal("Room " + term, (string?)chunk["name"]);
        Assert.Equal("All about " + term, (string?)chunk["topic"]);
        Assert.Equal(alias, (string?)chunk["canonical_alias"]);
        Assert.Equal("mxc://test.local/avatar", (string?)chunk["avatar_url"]);
        Assert.Equal(2, (int)chunk["num_joined_members"]!);
        Assert.True((bool)chunk["world_readable"]!);
        Assert.True((bool)chunk["guest_can_join"]!);
        Assert.Equal("public", (string?)chunk["join_rule"]);
        Assert.Null(chunk["room_type"]);
        Assert.Equal(1, (int)response.Body["total_room_count_estimate"]!);
        Assert.Null(response.Body["next_batch"]);
        Assert.Null(response.Body["prev_batch"]);
    }

    [Fact]
    public async Task Search_term_matches_name_topic_or_alias_case_insensitively_in_any_script()
    {
        var alice = await Http.RegisterAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var byName = await Http.CreateRoomAsync(alice, new { visibility = "public", name = $"Новости {tag}" });
        var byTopic = await Http.CreateRoomAsync(alice, new { visibility = "public", topic = $"ГОРОДСКИЕ НОВОСТИ {tag}" });

        var found = RoomIds((await SearchAsync(alice, new { filter = new { generic_search_term = $"новости {tag}" } })).AssertOk());

        Assert.Equal(new[] { byName, byTopic }.Order(), found.Order());
        Assert.Empty(RoomIds((await SearchAsync(alice, new { filter = new { generic_search_term = $"погода {tag}" } })).AssertOk()));
    }

    [Fact]
    public async Task Pages_go_largest_first_and_next_and_prev_batch_walk_both_ways()
    {
        var alice = await Http.RegisterAsync();
        var term = Unique();
        var small = await Http.CreateRoomAsync(alice, new { visibility = "public", preset = "public_chat", name = term + " small" });
        var large = await Http.CreateRoomAsync(alice, new { visibility = "public", preset = "public_chat", name = term + " large" });
        var medium = await Http.CreateRoomAsync(alice, new { visibility = "public", preset = "public_chat", name = term + " medium" });
        foreach (var (room, extra) in new[] { (large, 2), (medium, 1) })
        {
            for (var i = 0; i < extra; i++) (await Http.JoinAsync(await Http.RegisterAsync(), room)).AssertOk();
        }
        var filter = new { generic_search_term = term };

        var first = (await SearchAsync(alice, new { limit = 1, filter })).AssertOk();
        var second = (await SearchAsync(alice, new { limit = 1, filter, since = first.String("next_batch") })).AssertOk();
        var third = (await SearchAsync(alice, new { limit = 1, filter, since = second.String("next_batch") })).AssertOk();
        var back = (await SearchAsync(alice, new { limit = 1, filter, since = third.String("prev_batch") })).AssertOk();

        Assert.Equal([large], RoomIds(first));
        Assert.Null(first.Body["prev_batch"]);
        Assert.Equal([medium], RoomIds(second));
        Assert.Equal([small], RoomIds(third));
        Assert.Null(third.Body["next_batch"]);
        Assert.Equal([medium], RoomIds(back));
        Assert.Equal(3, (int)first.Body["total_room_count_estimate"]!);
        // GET pages the same way, without an access token.
        var anonymous = (await Http.GetMatrixAsync($"{V3}/publicRooms?limit=1&since={Uri.EscapeDataString(second.String("next_batch"))}")).AssertOk();
        Assert.NotEmpty(RoomIds(anonymous));
    }

    [Fact]
    public async Task Room_types_filter_selects_spaces_or_untyped_rooms()
    {
        var alice = await Http.RegisterAsync();
        var term = Unique();
        var space = await Http.CreateRoomAsync(alice, new { visibility = "public", name = term, creation_content = new { type = "m.space" } });
        var room = await Http.CreateRoomAsync(alice, new { visibility = "public", name = term });

        var spaces = (await SearchAsync(alice, new { filter = new { generic_search_term = term, room_types = new[] { "m.space" } } })).AssertOk();
        var untyped = (await SearchAsync(alice, new { filter = new { generic_search_term = term, room_types = new string?[] { null } } })).AssertOk();
        var both = (await SearchAsync(alice, new { filter = new { generic_search_term = term, room_types = new string?[] { null, "m.space" } } })).AssertOk();

        Assert.Equal([space], RoomIds(spaces));
        Assert.Equal("m.space", (string?)spaces.Body["chunk"]![0]!["room_type"]);
        Assert.Equal([room], RoomIds(untyped));
        Assert.Equal(2, RoomIds(both).Count);
    }

    [Fact]
    public async Task Networks_servers_and_tokens_are_checked()
    {
        var alice = await Http.RegisterAsync();
        var term = Unique();
        var room = await Http.CreateRoomAsync(alice, new { visibility = "public", name = term });
        var filter = new { generic_search_term = term };

        // Our own name is the local directory; include_all_networks adds no other lists on this server.
        Assert.Equal([room], RoomIds((await SearchAsync(alice, new { filter }, ServerFixture.ServerName)).AssertOk()));
        Assert.Equal([room], RoomIds((await SearchAsync(alice, new { filter, include_all_networks = true })).AssertOk()));
        // A third-party network's own list: none exist here, so it is empty.
        Assert.Empty(RoomIds((await SearchAsync(alice, new { filter, third_party_instance_id = "irc" })).AssertOk()));
        (await SearchAsync(alice, new { filter, include_all_networks = true, third_party_instance_id = "irc" })).AssertError(400, "M_INVALID_PARAM");
        (await SearchAsync(alice, new { since = "garbage" })).AssertError(400, "M_INVALID_PARAM");
        (await SearchAsync(alice, new { limit = "ten" })).AssertError(400, "M_BAD_JSON");
        (await Http.GetMatrixAsync($"{V3}/publicRooms?limit=ten")).AssertError(400, "M_INVALID_PARAM");
        (await SearchAsync(alice, new { }, "not a server!")).AssertError(400, "M_INVALID_PARAM");
        // Another server's directory comes over federation; one that cannot be reached is a 502.
        (await SearchAsync(alice, new { }, "unreachable.example")).AssertError(502, "M_UNKNOWN");
        (await Http.PostMatrixAsync($"{V3}/publicRooms", new { })).AssertError(401, "M_MISSING_TOKEN");
    }

    [Fact]
    public async Task Moderators_publish_and_unpublish_and_visibility_reads_without_a_token()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var outsider = await Http.RegisterAsync();
        var term = Unique();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat", name = term });
        (await Http.JoinAsync(bob, roomId)).AssertOk();
        Assert.Equal("private", (await Http.GetMatrixAsync(ListPath(roomId))).AssertOk().String("visibility"));

        // A member below the canonical-alias level and a non-member may not; the creator may.
        (await Http.SendMatrixAsync(HttpMethod.Put, ListPath(roomId), new { visibility = "public" }, bob.AccessToken)).AssertError(403, "M_FORBIDDEN");
        (await Http.SendMatrixAsync(HttpMethod.Put, ListPath(roomId), new { visibility = "public" }, outsider.AccessToken)).AssertError(403, "M_FORBIDDEN");
        (await Http.SendMatrixAsync(HttpMethod.Put, ListPath(roomId), new { }, alice.AccessToken)).AssertOk();

        Assert.Equal("public", (await Http.GetMatrixAsync(ListPath(roomId))).AssertOk().String("visibility"));
        Assert.Equal([roomId], RoomIds((await SearchAsync(bob, new { filter = new { generic_search_term = term } })).AssertOk()));

        (await Http.SendMatrixAsync(HttpMethod.Put, ListPath(roomId), new { visibility = "private" }, alice.AccessToken)).AssertOk();
        Assert.Empty(RoomIds((await SearchAsync(bob, new { filter = new { generic_search_term = term } })).AssertOk()));
    }

    [Fact]
    public async Task Visibility_errors_are_the_spec_ones()
    {
        var alice = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice);

        (await Http.GetMatrixAsync(ListPath("!unknown:test.local"))).AssertError(404, "M_NOT_FOUND");
        (await Http.SendMatrixAsync(HttpMethod.Put, ListPath("!unknown:test.local"), new { visibility = "public" }, alice.AccessToken)).AssertError(404, "M_NOT_FOUND");
        (await Http.SendMatrixAsync(HttpMethod.Put, ListPath(roomId), new { visibility = "everyone" }, alice.AccessToken)).AssertError(400, "M_INVALID_PARAM");
        (await Http.SendMatrixAsync(HttpMethod.Put, ListPath(roomId), new { visibility = 1 }, alice.AccessToken)).AssertError(400, "M_BAD_JSON");
        (await Http.SendMatrixAsync(HttpMethod.Put, ListPath(roomId), new { visibility = "public" })).AssertError(401, "M_MISSING_TOKEN");
        Assert.Equal("private", (await Http.GetMatrixAsync(ListPath(roomId))).AssertOk().String("visibility"));
    }
}

public sealed class SqlitePublicRoomsTests(SqliteServer server) : PublicRoomsTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresPublicRoomsTests(PostgresServer server) : PublicRoomsTests(server), IClassFixture<PostgresServer>;
