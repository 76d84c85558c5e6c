using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.DirectoryTestClient;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Directories;

/// <summary>"Spaces": <c>GET /_matrix/client/v1/rooms/{roomId}/hierarchy</c> — order, visibility, depth, paging, errors.</summary>
public abstract class SpaceHierarchyTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private Task<string> CreateSpaceAsync(Session owner, string preset = "public_chat") =>
        Http.CreateRoomAsync(owner, new { preset, name = "Space", creation_content = new { type = "m.space" } });

    private async Task AddChildAsync(Session owner, string space, string child, object? content = null) =>
        (await Http.PutStateAsync(owner, space, "m.space.child", child, content ?? new { via = new[] { ServerFixture.ServerName } })).AssertOk();

    private Task<MatrixResponse> HierarchyAsync(Session session, string roomId, string query = "") =>
        Http.GetMatrixAsync($"/_matrix/client/v1/rooms/{Uri.EscapeDataString(roomId)}/hierarchy{query}", session.AccessToken);

    private static List<string> RoomIds(MatrixResponse response) =>
        response.Body["rooms"]!.AsArray().Select(r => (string)r!["room_id"]!).ToList();

    [Fact]
    public async Task Tree_is_walked_depth_first_with_children_in_the_spec_order()
    {
        var alice = await Http.RegisterAsync();
        var space = await CreateSpaceAsync(alice);
        var sub = await CreateSpaceAsync(alice);
        var leaf = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        var ordered = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        var early = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        var late = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        var via = new[] { ServerFixture.ServerName };
        await AddChildAsync(alice, space, early, new { via, order = "é invalid, so ignored" });
        server.Clock.Advance(TimeSpan.FromSeconds(1));
        await AddChildAsync(alice, space, late);
        await AddChildAsync(alice, space, ordered, new { via, order = "b" });
        await AddChildAsync(alice, space, sub, new { via, order = "a" });
        await AddChildAsync(alice, sub, leaf);
        // No via: not a child. A child pointing back up is walked only once.
        await AddChildAsync(alice, space, await Http.CreateRoomAsync(alice, new { preset = "public_chat" }), new { order = "0" });
        await AddChildAsync(alice, sub, space);

        var response = (await HierarchyAsync(alice, space)).AssertOk();

        Assert.Equal([space, sub, leaf, ordered, early, late], RoomIds(response));
        Assert.Null(response.Body["next_batch"]);
        var root = response.Body["rooms"]![0]!.AsObject();
        Assert.Equal("m.space", (string?)root["room_type"]);
        Assert.Equal("Space", (string?)root["name"]);
        Assert.Equal(1, (int)root["num_joined_members"]!);
        Assert.Equal("public", (string?)root["join_rule"]);
        Assert.NotNull((string?)root["room_version"]);
        var children = root["children_state"]!.AsArray().Select(c => c!.AsObject()).ToList();
        Assert.Equal([sub, ordered, early, late], children.Select(c => (string)c["state_key"]!));
        Assert.All(children, c =>
        {
            Assert.Equal("m.space.child", (string?)c["type"]);
            Assert.Equal(alice.UserId, (string?)c["sender"]);
            Assert.True((long)c["origin_server_ts"]! > 0);
            Assert.Null(c["event_id"]);
        });
        // An ordinary room has no children_state entries.
        Assert.Empty(response.Body["rooms"]![2]!["children_state"]!.AsArray());
    }

    [Fact]
    public async Task Rooms_the_user_may_not_see_are_left_out_with_their_subtree()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var space = await CreateSpaceAsync(alice);
        var hiddenSpace = await CreateSpaceAsync(alice, "private_chat");
        var underHidden = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        var invited = await Http.CreateRoomAsync(alice, new { preset = "private_chat", invite = new[] { bob.UserId } });
        var restricted = await Http.CreateRoomAsync(alice, new
        {
            preset = "private_chat",
            initial_state = new[] { new { type = "m.room.join_rules", state_key = "", content = (object)new { join_rule = "restricted", allow = new[] { new { type = "m.room_membership", room_id = space } } } } },
        });
        var readable = await Http.CreateRoomAsync(alice, new { preset = "private_chat" });
        (await Http.PutStateAsync(alice, readable, "m.room.history_visibility", "", new { history_visibility = "world_readable" })).AssertOk();
        foreach (var child in new[] { hiddenSpace, invited, restricted, readable }) await AddChildAsync(alice, space, child);
        await AddChildAsync(alice, hiddenSpace, underHidden);

        // Before joining the space, the restricted room admits bob through nothing.
        Assert.DoesNotContain(restricted, RoomIds((await HierarchyAsync(bob, space)).AssertOk()));
        (await Http.JoinAsync(bob, space)).AssertOk();
        var seen = RoomIds((await HierarchyAsync(bob, space)).AssertOk());

        Assert.Equal(new[] { space, invited, restricted, readable }.Order(), seen.Order());
        Assert.Contains(hiddenSpace, RoomIds((await HierarchyAsync(alice, space)).AssertOk()));
        var restrictedEntry = (await HierarchyAsync(bob, space)).Body["rooms"]!.AsArray().First(r => (string)r!["room_id"]! == restricted)!;
        Assert.Equal("restricted", (string?)restrictedEntry["join_rule"]);
        Assert.Equal([space], restrictedEntry["allowed_room_ids"]!.AsArray().Select(r => (string)r!));
    }

    [Fact]
    public async Task Max_depth_and_suggested_only_limit_the_walk()
    {
        var alice = await Http.RegisterAsync();
        var space = await CreateSpaceAsync(alice);
        var sub = await CreateSpaceAsync(alice);
        var leaf = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        var other = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        var via = new[] { ServerFixture.ServerName };
        await AddChildAsync(alice, space, sub, new { via, suggested = true, order = "1" });
        await AddChildAsync(alice, space, other, new { via, order = "2" });
        await AddChildAsync(alice, sub, leaf, new { via, suggested = true });

        var depth0 = (await HierarchyAsync(alice, space, "?max_depth=0")).AssertOk();
        Assert.Equal([space], RoomIds(depth0));
        Assert.Equal(2, depth0.Body["rooms"]![0]!["children_state"]!.AsArray().Count);
        Assert.Equal([space, sub, other], RoomIds((await HierarchyAsync(alice, space, "?max_depth=1")).AssertOk()));
        var suggested = (await HierarchyAsync(alice, space, "?suggested_only=true")).AssertOk();
        Assert.Equal([space, sub, leaf], RoomIds(suggested));
        Assert.Single(suggested.Body["rooms"]![0]!["children_state"]!.AsArray());
    }

    [Fact]
    public async Task Pages_continue_with_next_batch_and_parameters_may_not_change()
    {
        var alice = await Http.RegisterAsync();
        var space = await CreateSpaceAsync(alice);
        var children = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var child = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
            await AddChildAsync(alice, space, child, new { via = new[] { ServerFixture.ServerName }, order = i.ToString() });
            children.Add(child);
        }

        var walked = new List<string>();
        string? from = null;
        for (var page = 0; page < 10; page++)
        {
            var response = (await HierarchyAsync(alice, space, "?limit=2" + (from is null ? "" : "&from=" + Uri.EscapeDataString(from)))).AssertOk();
            Assert.True(RoomIds(response).Count <= 2);
            walked.AddRange(RoomIds(response));
            from = (string?)response.Body["next_batch"];
            if (from is null) break;
        }
        Assert.Equal([space, .. children], walked);

        var first = (await HierarchyAsync(alice, space, "?limit=1")).AssertOk().String("next_batch");
        (await HierarchyAsync(alice, space, $"?limit=1&max_depth=1&from={Uri.EscapeDataString(first)}")).AssertError(400, "M_INVALID_PARAM");
        (await HierarchyAsync(alice, space, $"?limit=1&suggested_only=true&from={Uri.EscapeDataString(first)}")).AssertError(400, "M_INVALID_PARAM");
        (await HierarchyAsync(alice, children[0], $"?from={Uri.EscapeDataString(first)}")).AssertError(400, "M_INVALID_PARAM");
        (await HierarchyAsync(alice, space, "?from=nonsense")).AssertError(400, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task Errors_are_the_spec_ones()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var privateSpace = await CreateSpaceAsync(alice, "private_chat");
        var space = await CreateSpaceAsync(alice);
        // A child on another server: unknown here and unreachable without federation, so left out.
        await AddChildAsync(alice, space, "!elsewhere:remote.example", new { via = new[] { "remote.example" } });

        (await HierarchyAsync(bob, privateSpace)).AssertError(403, "M_FORBIDDEN");
        (await HierarchyAsync(bob, "!unknown:test.local")).AssertError(403, "M_FORBIDDEN");
        (await HierarchyAsync(alice, space, "?limit=0")).AssertError(400, "M_INVALID_PARAM");
        (await HierarchyAsync(alice, space, "?max_depth=-1")).AssertError(400, "M_INVALID_PARAM");
        (await HierarchyAsync(alice, space, "?suggested_only=maybe")).AssertError(400, "M_INVALID_PARAM");
        (await Http.GetMatrixAsync($"/_matrix/client/v1/rooms/{Uri.EscapeDataString(space)}/hierarchy")).AssertError(401, "M_MISSING_TOKEN");
        Assert.Equal([space], RoomIds((await HierarchyAsync(bob, space)).AssertOk()));

        // Banned from a public space: no longer visible.
        (await Http.JoinAsync(bob, space)).AssertOk();
        (await Http.RoomPostAsync(alice, space, "ban", new { user_id = bob.UserId })).AssertOk();
        (await HierarchyAsync(bob, space)).AssertError(403, "M_FORBIDDEN");
    }
}

public sealed class SqliteSpaceHierarchyTests(SqliteServer server) : SpaceHierarchyTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresSpaceHierarchyTests(PostgresServer server) : SpaceHierarchyTests(server), IClassFixture<PostgresServer>;
