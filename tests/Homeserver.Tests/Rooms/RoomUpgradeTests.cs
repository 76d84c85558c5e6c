using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.DirectoryTestClient;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Rooms;

/// <summary>POST /rooms/{roomId}/upgrade ("Room upgrades", server behaviour).</summary>
public abstract class RoomUpgradeTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private Task<MatrixResponse> UpgradeAsync(Session session, string roomId, object body) => Http.RoomPostAsync(session, roomId, "upgrade", body);

    [Fact]
    public async Task Replacement_room_has_predecessor_copied_state_bans_and_aliases_and_the_old_room_is_tombstoned()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var aliasName = "upgraded_" + Guid.NewGuid().ToString("N")[..8];
        var alias = $"#{aliasName}:{ServerFixture.ServerName}";
        var alt = NewAlias("alt");
        var oldRoom = await Http.CreateRoomAsync(alice, new
        {
            room_version = "10", preset = "public_chat", name = "Old name", topic = "Old topic", room_alias_name = aliasName,
            creation_content = new { type = "m.space" },
        });
        (await Http.PutAliasAsync(alice, alt, oldRoom)).AssertOk();
        (await Http.PutStateAsync(alice, oldRoom, "m.room.canonical_alias", "", new { alias, alt_aliases = new[] { alt, "#remote:other.example" } }))
            .AssertError(400, "M_BAD_ALIAS");
        (await Http.PutStateAsync(alice, oldRoom, "m.room.canonical_alias", "", new { alias, alt_aliases = new[] { alt } })).AssertOk();
        (await Http.JoinAsync(bob, oldRoom)).AssertOk();
        (await Http.RoomPostAsync(alice, oldRoom, "ban", new { user_id = bob.UserId })).AssertOk();

        var newRoom = (await UpgradeAsync(alice, oldRoom, new { new_version = "11" })).AssertOk().String("replacement_room");

        var create = (await Http.StateContentAsync(alice, newRoom, "m.room.create"))!;
        Assert.Equal("11", (string?)create["room_version"]);
        Assert.Equal(oldRoom, (string?)create["predecessor"]!["room_id"]);
        Assert.StartsWith("$", (string?)create["predecessor"]!["event_id"]);
        Assert.Equal("m.space", (string?)create["type"]);
        Assert.Equal("Old name", (string?)(await Http.StateContentAsync(alice, newRoom, "m.room.name"))!["name"]);
        Assert.Equal("Old topic", (string?)(await Http.StateContentAsync(alice, newRoom, "m.room.topic"))!["topic"]);
        Assert.Equal("public", (string?)(await Http.StateContentAsync(alice, newRoom, "m.room.join_rules"))!["join_rule"]);
        Assert.Equal("ban", (string?)(await Http.StateContentAsync(alice, newRoom, "m.room.member", bob.UserId))!["membership"]);
        Assert.Equal(100, (int)(await Http.StateContentAsync(alice, newRoom, "m.room.power_levels"))!["users"]![alice.UserId]!);

        Assert.Equal(newRoom, (await Http.GetAliasAsync(alice, alias)).AssertOk().String("room_id"));
        Assert.Equal(newRoom, (await Http.GetAliasAsync(alice, alt)).AssertOk().String("room_id"));
        var newCanonical = (await Http.StateContentAsync(alice, newRoom, "m.room.canonical_alias"))!;
        Assert.Equal(alias, (string?)newCanonical["alias"]);
        Assert.Equal([alt], newCanonical["alt_aliases"]!.AsArray().Select(a => (string)a!));
        Assert.Empty((await Http.RoomGetAsync(alice, oldRoom, "aliases")).AssertOk().Body["aliases"]!.AsArray());
        Assert.Null((await Http.StateContentAsync(alice, oldRoom, "m.room.canonical_alias"))!["alias"]);

        var tombstone = (await Http.StateContentAsync(alice, oldRoom, "m.room.tombstone"))!;
        Assert.Equal(newRoom, (string?)tombstone["replacement_room"]);
        Assert.IsType<string>((string?)tombstone["body"]);
        var oldLevels = (await Http.StateContentAsync(alice, oldRoom, "m.room.power_levels"))!;
        Assert.Equal(50, (int)oldLevels["events_default"]!);
        Assert.Equal(50, (int)oldLevels["invite"]!);
    }

    [Fact]
    public async Task Upgrade_to_v12_names_the_creators_outside_the_power_levels()
    {
        var alice = await Http.RegisterAsync();
        var carol = await Http.RegisterAsync();
        var oldRoom = await Http.CreateRoomAsync(alice, new { room_version = "11", preset = "public_chat" });
        (await Http.JoinAsync(carol, oldRoom)).AssertOk();

        var newRoom = (await UpgradeAsync(alice, oldRoom, new { new_version = "12", additional_creators = new[] { carol.UserId } }))
            .AssertOk().String("replacement_room");

        var create = (await Http.StateContentAsync(alice, newRoom, "m.room.create"))!;
        Assert.Equal("12", (string?)create["room_version"]);
        Assert.Equal([carol.UserId], create["additional_creators"]!.AsArray().Select(c => (string)c!));
        var users = (await Http.StateContentAsync(alice, newRoom, "m.room.power_levels"))!["users"]!.AsObject();
        Assert.False(users.ContainsKey(alice.UserId));
        Assert.False(users.ContainsKey(carol.UserId));
        Assert.DoesNotContain(":", newRoom);
    }

    [Fact]
    public async Task Upgrader_with_less_power_than_the_copied_state_needs_keeps_their_own_level_in_the_end()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var oldRoom = await Http.CreateRoomAsync(alice, new { room_version = "10", preset = "public_chat" });
        (await Http.JoinAsync(bob, oldRoom)).AssertOk();
        var levels = (await Http.StateContentAsync(alice, oldRoom, "m.room.power_levels"))!;
        levels["users"]![bob.UserId] = 60;
        levels["events"]!["m.room.tombstone"] = 60;
        (await Http.PutStateAsync(alice, oldRoom, "m.room.power_levels", "", levels)).AssertOk();

        var newRoom = (await UpgradeAsync(bob, oldRoom, new { new_version = "11" })).AssertOk().String("replacement_room");

        // history_visibility needs 100: copying it took more than Bob's 60, which he has again afterwards.
        Assert.Equal("shared", (string?)(await Http.StateContentAsync(bob, newRoom, "m.room.history_visibility"))!["history_visibility"]);
        var users = (await Http.StateContentAsync(bob, newRoom, "m.room.power_levels"))!["users"]!;
        Assert.Equal(60, (int)users[bob.UserId]!);
        Assert.Equal(100, (int)users[alice.UserId]!);
    }

    [Fact]
    public async Task Upgrade_from_v12_gives_the_creator_an_administrator_level()
    {
        var alice = await Http.RegisterAsync();
        var oldRoom = await Http.CreateRoomAsync(alice, new { room_version = "12" });

        var newRoom = (await UpgradeAsync(alice, oldRoom, new { new_version = "11" })).AssertOk().String("replacement_room");

        Assert.Equal(150, (int)(await Http.StateContentAsync(alice, newRoom, "m.room.power_levels"))!["users"]![alice.UserId]!);
        Assert.Equal(newRoom, (string?)(await Http.StateContentAsync(alice, oldRoom, "m.room.tombstone"))!["replacement_room"]);
    }

    [Fact]
    public async Task Upgrade_is_refused_for_unknown_versions_rooms_and_users_without_tombstone_power()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var outsider = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.JoinAsync(bob, roomId)).AssertOk();

        (await UpgradeAsync(alice, roomId, new { new_version = "99" })).AssertError(400, "M_UNSUPPORTED_ROOM_VERSION");
        (await UpgradeAsync(alice, roomId, new { })).AssertError(400, "M_MISSING_PARAM");
        (await UpgradeAsync(bob, roomId, new { new_version = "12" })).AssertError(403, "M_FORBIDDEN");
        (await UpgradeAsync(outsider, roomId, new { new_version = "12" })).AssertError(403, "M_FORBIDDEN");
        (await UpgradeAsync(alice, "!nowhere:test.local", new { new_version = "12" })).AssertError(404, "M_NOT_FOUND");

        Assert.Null(await Http.StateContentAsync(alice, roomId, "m.room.tombstone"));
        Assert.Single((await Http.GetMatrixAsync(V3 + "/joined_rooms", alice.AccessToken)).AssertOk().Body["joined_rooms"]!.AsArray());
    }
}

public sealed class SqliteRoomUpgradeTests(SqliteServer server) : RoomUpgradeTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresRoomUpgradeTests(PostgresServer server) : RoomUpgradeTests(server), IClassFixture<PostgresServer>;
