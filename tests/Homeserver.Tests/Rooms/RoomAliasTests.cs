using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.DirectoryTestClient;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Rooms;

/// <summary>"Room aliases": the directory routes, <c>/rooms/{roomId}/aliases</c>, and aliases in createRoom and join.</summary>
public abstract class RoomAliasTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    [Fact]
    public async Task Alias_set_by_a_member_resolves_to_the_room_with_this_server_listed()
    {
        var alice = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice);
        var alias = NewAlias();

        (await Http.PutAliasAsync(alice, alias, roomId)).AssertOk();

        var resolved = (await Http.GetAliasAsync(alice, alias)).AssertOk();
        Assert.Equal(roomId, resolved.String("room_id"));
        Assert.Equal([ServerFixture.ServerName], resolved.Body["servers"]!.AsArray().Select(s => (string)s!));
        // Resolving needs no access token (the spec gives GET no security requirement).
        Assert.Equal(roomId, (await Http.GetMatrixAsync(AliasPath(alias))).AssertOk().String("room_id"));
        var listed = (await Http.RoomGetAsync(alice, roomId, "aliases")).AssertOk();
        Assert.Equal([alias], listed.Body["aliases"]!.AsArray().Select(a => (string)a!));
    }

    [Fact]
    public async Task Taken_alias_is_409_M_UNKNOWN_and_keeps_pointing_to_its_room()
    {
        var alice = await Http.RegisterAsync();
        var first = await Http.CreateRoomAsync(alice);
        var second = await Http.CreateRoomAsync(alice);
        var alias = NewAlias();
        (await Http.PutAliasAsync(alice, alias, first)).AssertOk();

        (await Http.PutAliasAsync(alice, alias, second)).AssertError(409, "M_UNKNOWN");
        (await Http.PutAliasAsync(alice, alias, first)).AssertError(409, "M_UNKNOWN");

        Assert.Equal(first, (await Http.GetAliasAsync(alice, alias)).AssertOk().String("room_id"));
    }

    [Fact]
    public async Task Invalid_or_foreign_aliases_are_M_INVALID_PARAM_and_unknown_ones_M_NOT_FOUND()
    {
        var alice = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice);

        (await Http.PutAliasAsync(alice, "#no-server", roomId)).AssertError(400, "M_INVALID_PARAM");
        (await Http.PutAliasAsync(alice, "#elsewhere:other.example", roomId)).AssertError(400, "M_INVALID_PARAM");
        (await Http.GetAliasAsync(alice, "not-an-alias")).AssertError(400, "M_INVALID_PARAM");
        (await Http.DeleteAliasAsync(alice, "#elsewhere:other.example")).AssertError(400, "M_INVALID_PARAM");
        (await Http.SendMatrixAsync(HttpMethod.Put, AliasPath(NewAlias()), new { }, alice.AccessToken)).AssertError(400, "M_MISSING_PARAM");
        (await Http.SendMatrixAsync(HttpMethod.Put, AliasPath(NewAlias()), new { room_id = "nope" }, alice.AccessToken)).AssertError(400, "M_INVALID_PARAM");

        (await Http.GetAliasAsync(alice, NewAlias())).AssertError(404, "M_NOT_FOUND");
        (await Http.GetAliasAsync(alice, "#elsewhere:other.example")).AssertError(404, "M_NOT_FOUND");
        (await Http.DeleteAliasAsync(alice, NewAlias())).AssertError(404, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Only_members_map_aliases_and_unknown_rooms_are_not_found()
    {
        var alice = await Http.RegisterAsync();
        var outsider = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "private_chat" });

        (await Http.PutAliasAsync(outsider, NewAlias(), roomId)).AssertError(403, "M_FORBIDDEN");
        (await Http.PutAliasAsync(alice, NewAlias(), "!nowhere:test.local")).AssertError(404, "M_NOT_FOUND");
        (await Http.SendMatrixAsync(HttpMethod.Put, AliasPath(NewAlias()), new { room_id = roomId }, null)).AssertError(401, "M_MISSING_TOKEN");
    }

    [Fact]
    public async Task Alias_is_deleted_by_its_creator_or_a_member_who_may_set_the_canonical_alias_only()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var carol = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.JoinAsync(bob, roomId)).AssertOk();
        (await Http.JoinAsync(carol, roomId)).AssertOk();
        var bobs = NewAlias("bob");
        var another = NewAlias("bob");
        (await Http.PutAliasAsync(bob, bobs, roomId)).AssertOk();
        (await Http.PutAliasAsync(bob, another, roomId)).AssertOk();

        // Carol has level 0, below the 50 that m.room.canonical_alias needs, and did not create the alias.
        (await Http.DeleteAliasAsync(carol, bobs)).AssertError(403, "M_FORBIDDEN");
        (await Http.DeleteAliasAsync(bob, bobs)).AssertOk();
        (await Http.DeleteAliasAsync(alice, another)).AssertOk();

        (await Http.GetAliasAsync(alice, bobs)).AssertError(404, "M_NOT_FOUND");
        Assert.Empty((await Http.RoomGetAsync(alice, roomId, "aliases")).AssertOk().Body["aliases"]!.AsArray());
    }

    [Fact]
    public async Task Deleting_an_alias_takes_it_out_of_the_canonical_alias_event()
    {
        var alice = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice);
        var main = NewAlias("main");
        var alt = NewAlias("alt");
        (await Http.PutAliasAsync(alice, main, roomId)).AssertOk();
        (await Http.PutAliasAsync(alice, alt, roomId)).AssertOk();
        (await Http.PutStateAsync(alice, roomId, "m.room.canonical_alias", "", new { alias = main, alt_aliases = new[] { alt } })).AssertOk();

        (await Http.DeleteAliasAsync(alice, alt)).AssertOk();
        var afterAlt = (await Http.StateContentAsync(alice, roomId, "m.room.canonical_alias"))!;
        Assert.Equal(main, (string?)afterAlt["alias"]);
        Assert.Empty(afterAlt["alt_aliases"]!.AsArray());

        (await Http.DeleteAliasAsync(alice, main)).AssertOk();
        Assert.Null((await Http.StateContentAsync(alice, roomId, "m.room.canonical_alias"))!["alias"]);
    }

    [Fact]
    public async Task Room_aliases_list_is_for_members_unless_history_is_world_readable()
    {
        var alice = await Http.RegisterAsync();
        var outsider = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "private_chat" });
        var alias = NewAlias();
        (await Http.PutAliasAsync(alice, alias, roomId)).AssertOk();

        (await Http.RoomGetAsync(outsider, roomId, "aliases")).AssertError(403, "M_FORBIDDEN");
        (await Http.RoomGetAsync(alice, "!nowhere:test.local", "aliases")).AssertError(404, "M_NOT_FOUND");

        (await Http.PutStateAsync(alice, roomId, "m.room.history_visibility", "", new { history_visibility = "world_readable" })).AssertOk();
        var listed = (await Http.RoomGetAsync(outsider, roomId, "aliases")).AssertOk();
        Assert.Equal([alias], listed.Body["aliases"]!.AsArray().Select(a => (string)a!));
    }

    [Fact]
    public async Task Canonical_alias_must_name_valid_aliases_of_this_room()
    {
        var alice = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice);
        var other = await Http.CreateRoomAsync(alice);
        var mine = NewAlias("mine");
        var theirs = NewAlias("theirs");
        (await Http.PutAliasAsync(alice, mine, roomId)).AssertOk();
        (await Http.PutAliasAsync(alice, theirs, other)).AssertOk();

        (await Http.PutStateAsync(alice, roomId, "m.room.canonical_alias", "", new { alias = NewAlias("unmapped") })).AssertError(400, "M_BAD_ALIAS");
        (await Http.PutStateAsync(alice, roomId, "m.room.canonical_alias", "", new { alias = theirs })).AssertError(400, "M_BAD_ALIAS");
        (await Http.PutStateAsync(alice, roomId, "m.room.canonical_alias", "", new { alias = mine, alt_aliases = new[] { theirs } })).AssertError(400, "M_BAD_ALIAS");
        (await Http.PutStateAsync(alice, roomId, "m.room.canonical_alias", "", new { alias = "no-hash" })).AssertError(400, "M_INVALID_PARAM");
        (await Http.PutStateAsync(alice, roomId, "m.room.canonical_alias", "", new { alias = mine, alt_aliases = "x" })).AssertError(400, "M_INVALID_PARAM");
        (await Http.PutStateAsync(alice, roomId, "m.room.canonical_alias", "", new JsonObject { ["alias"] = 5 })).AssertError(400, "M_INVALID_PARAM");

        (await Http.PutStateAsync(alice, roomId, "m.room.canonical_alias", "", new { alias = mine })).AssertOk();
        Assert.Equal(mine, (string?)(await Http.StateContentAsync(alice, roomId, "m.room.canonical_alias"))!["alias"]);
    }

    [Fact]
    public async Task Canonical_alias_checks_only_the_aliases_an_event_adds()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.JoinAsync(bob, roomId)).AssertOk();
        var main = NewAlias("main");
        var stale = NewAlias("stale");
        var added = NewAlias("added");
        (await Http.PutAliasAsync(alice, main, roomId)).AssertOk();
        (await Http.PutAliasAsync(bob, stale, roomId)).AssertOk();
        (await Http.PutStateAsync(alice, roomId, "m.room.canonical_alias", "", new { alias = main, alt_aliases = new[] { stale } })).AssertOk();

        // Bob may delete the alias he made but not edit the room's state: the alias goes, the state event keeps naming it.
        (await Http.DeleteAliasAsync(bob, stale)).AssertOk();
        (await Http.GetAliasAsync(alice, stale)).AssertError(404, "M_NOT_FOUND");
        Assert.Equal([stale], (await Http.StateContentAsync(alice, roomId, "m.room.canonical_alias"))!["alt_aliases"]!.AsArray().Select(a => (string)a!));

        (await Http.PutStateAsync(alice, roomId, "m.room.canonical_alias", "", new { alias = main, alt_aliases = new[] { stale, added } })).AssertError(400, "M_BAD_ALIAS");
        (await Http.PutAliasAsync(alice, added, roomId)).AssertOk();
        (await Http.PutStateAsync(alice, roomId, "m.room.canonical_alias", "", new { alias = main, alt_aliases = new[] { stale, added } })).AssertOk();
    }

    [Fact]
    public async Task CreateRoom_with_room_alias_name_maps_the_alias_and_sends_the_canonical_alias_after_power_levels()
    {
        var alice = await Http.RegisterAsync();
        var name = "created_" + Guid.NewGuid().ToString("N")[..8];
        var alias = $"#{name}:{ServerFixture.ServerName}";

        var roomId = await Http.CreateRoomAsync(alice, new { room_alias_name = name, preset = "public_chat" });

        Assert.Equal(roomId, (await Http.GetAliasAsync(alice, alias)).AssertOk().String("room_id"));
        var events = (await Http.RoomGetAsync(alice, roomId, "messages?dir=f&limit=50")).AssertOk().Body["chunk"]!.AsArray();
        Assert.Equal(["m.room.create", "m.room.member", "m.room.power_levels", "m.room.canonical_alias", "m.room.join_rules"],
            events.Take(5).Select(e => (string)e!["type"]!));
        Assert.Equal(alias, (string?)events[3]!["content"]!["alias"]);
    }

    [Fact]
    public async Task CreateRoom_with_a_taken_alias_is_M_ROOM_IN_USE_and_creates_no_room()
    {
        var alice = await Http.RegisterAsync();
        var name = "taken_" + Guid.NewGuid().ToString("N")[..8];
        await Http.CreateRoomAsync(alice, new { room_alias_name = name });

        (await Http.PostMatrixAsync(V3 + "/createRoom", new { room_alias_name = name }, alice.AccessToken)).AssertError(400, "M_ROOM_IN_USE");
        (await Http.PostMatrixAsync(V3 + "/createRoom", new { room_alias_name = "bad:name" }, alice.AccessToken)).AssertError(400, "M_INVALID_PARAM");

        Assert.Single((await Http.GetMatrixAsync(V3 + "/joined_rooms", alice.AccessToken)).AssertOk().Body["joined_rooms"]!.AsArray());
    }

    [Fact]
    public async Task Users_join_by_alias_and_unknown_aliases_are_not_found()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var name = "joinable_" + Guid.NewGuid().ToString("N")[..8];
        var roomId = await Http.CreateRoomAsync(alice, new { room_alias_name = name, preset = "public_chat" });

        Assert.Equal(roomId, (await Http.JoinAsync(bob, $"#{name}:{ServerFixture.ServerName}")).AssertOk().String("room_id"));
        Assert.Equal("join", (string?)(await Http.StateContentAsync(bob, roomId, "m.room.member", bob.UserId))!["membership"]);

        (await Http.JoinAsync(bob, NewAlias())).AssertError(404, "M_NOT_FOUND");
        (await Http.JoinAsync(bob, "#far:other.example")).AssertError(404, "M_NOT_FOUND");
        (await Http.JoinAsync(bob, "neither")).AssertError(400, "M_INVALID_PARAM");
    }
}

public sealed class SqliteRoomAliasTests(SqliteServer server) : RoomAliasTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresRoomAliasTests(PostgresServer server) : RoomAliasTests(server), IClassFixture<PostgresServer>;
