using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Rooms;

/// <summary><c>POST /createRoom</c>: the events it makes, in the spec's order, for each room version and preset.</summary>
public abstract class CreateRoomTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private async Task<List<JsonObject>> StateEventsInOrderAsync(Session session, string roomId)
    {
        var page = (await Http.RoomGetAsync(session, roomId, "messages?dir=f&limit=50")).AssertOk();
        return page.Body["chunk"]!.AsArray().Select(e => e!.AsObject()).ToList();
    }

    [Theory]
    [InlineData("1")]
    [InlineData("6")]
    [InlineData("10")]
    [InlineData("11")]
    [InlineData("12")]
    public async Task Room_starts_with_create_join_power_levels_then_preset_name_topic_in_order(string version)
    {
        var alice = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { room_version = version, name = "Room", topic = "Talk", preset = "public_chat" });

        var events = await StateEventsInOrderAsync(alice, roomId);

        Assert.Equal(
            ["m.room.create", "m.room.member", "m.room.power_levels", "m.room.join_rules", "m.room.history_visibility", "m.room.guest_access", "m.room.name", "m.room.topic"],
            events.Select(e => (string)e["type"]!));
        var create = events[0]["content"]!;
        Assert.Equal(version, (string?)create["room_version"]);
        Assert.Equal(version is "1" or "6" or "10" ? alice.UserId : null, (string?)create["creator"]);
        Assert.Equal("public", (string?)events[3]["content"]!["join_rule"]);
        Assert.Equal("forbidden", (string?)events[5]["content"]!["guest_access"]);
        Assert.Equal("Room", (string?)events[6]["content"]!["name"]);
        var users = events[2]["content"]!["users"]!.AsObject();
        if (version == "12")
        {
            Assert.False(users.ContainsKey(alice.UserId));
            Assert.Equal(150, (int)events[2]["content"]!["events"]!["m.room.tombstone"]!);
            Assert.Equal("!" + ((string)events[0]["event_id"]!)[1..], roomId);
        }
        else
        {
            Assert.Equal(100, (int)users[alice.UserId]!);
            Assert.EndsWith(":" + ServerFixture.ServerName, roomId);
        }
    }

    [Fact]
    public async Task Creator_join_carries_the_display_name_set_before_the_room_existed()
    {
        var alice = await Http.RegisterAsync(NewUsername("alice"));
        var roomId = await Http.CreateRoomAsync(alice);

        var member = (await Http.RoomGetAsync(alice, roomId, $"state/m.room.member/{Uri.EscapeDataString(alice.UserId)}")).AssertOk();

        Assert.Equal("join", member.String("membership"));
        Assert.Equal(alice.UserId[1..alice.UserId.IndexOf(':')], member.String("displayname"));
    }

    [Fact]
    public async Task Private_chat_is_invite_only_and_invitees_are_invited()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "private_chat", invite = new[] { bob.UserId }, is_direct = true });

        Assert.Equal("invite", (await Http.RoomGetAsync(alice, roomId, "state/m.room.join_rules/")).AssertOk().String("join_rule"));
        var invite = (await Http.RoomGetAsync(alice, roomId, $"state/m.room.member/{Uri.EscapeDataString(bob.UserId)}")).AssertOk();
        Assert.Equal("invite", invite.String("membership"));
        Assert.True((bool)invite.Body["is_direct"]!);
    }

    [Fact]
    public async Task Trusted_private_chat_makes_invitees_creators_in_v12_and_admins_before()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();

        var v12 = await Http.CreateRoomAsync(alice, new { preset = "trusted_private_chat", invite = new[] { bob.UserId }, room_version = "12" });
        var create = (await Http.RoomGetAsync(alice, v12, "state/m.room.create/")).AssertOk();
        Assert.Contains(bob.UserId, create.Body["additional_creators"]!.AsArray().Select(u => (string)u!));

        var v11 = await Http.CreateRoomAsync(alice, new { preset = "trusted_private_chat", invite = new[] { bob.UserId }, room_version = "11" });
        var levels = (await Http.RoomGetAsync(alice, v11, "state/m.room.power_levels/")).AssertOk();
        Assert.Equal(100, (int)levels.Body["users"]![bob.UserId]!);
    }

    [Fact]
    public async Task Initial_state_and_power_level_override_are_applied()
    {
        var alice = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new
        {
            preset = "private_chat",
            initial_state = new object[]
            {
                new { type = "m.room.join_rules", content = new { join_rule = "public" } },
                new { type = "m.room.encryption", state_key = "", content = new { algorithm = "m.megolm.v1.aes-sha2" } },
            },
            power_level_content_override = new { events_default = 10 },
        });

        Assert.Equal("public", (await Http.RoomGetAsync(alice, roomId, "state/m.room.join_rules/")).AssertOk().String("join_rule"));
        Assert.Equal("m.megolm.v1.aes-sha2", (await Http.RoomGetAsync(alice, roomId, "state/m.room.encryption/")).AssertOk().String("algorithm"));
        Assert.Equal(10, (int)(await Http.RoomGetAsync(alice, roomId, "state/m.room.power_levels/")).AssertOk().Body["events_default"]!);
    }

    [Fact]
    public async Task Identical_v12_rooms_created_at_once_by_one_user_all_get_their_own_id()
    {
        // v12 derives the room id from the create event: the same request in the same millisecond makes the same one.
        var alice = await Http.RegisterAsync();
        var creates = Enumerable.Range(0, 12).Select(_ => Http.PostMatrixAsync(V3 + "/createRoom", new { room_version = "12" }, alice.AccessToken));

        var roomIds = (await Task.WhenAll(creates)).Select(r => r.AssertOk().String("room_id")).ToList();

        Assert.Equal(12, roomIds.Distinct().Count());
        var joined = (await Http.GetMatrixAsync(V3 + "/joined_rooms", alice.AccessToken)).AssertOk().Body["joined_rooms"]!.AsArray();
        Assert.Equal(roomIds.Order(), joined.Select(r => (string)r!).Order());
    }

    [Fact]
    public async Task Unsupported_room_version_is_M_UNSUPPORTED_ROOM_VERSION() =>
        (await Http.PostMatrixAsync(V3 + "/createRoom", new { room_version = "99" }, (await Http.RegisterAsync()).AccessToken))
            .AssertError(400, "M_UNSUPPORTED_ROOM_VERSION");

    [Fact]
    public async Task Bad_requests_are_refused_and_create_nothing()
    {
        var alice = await Http.RegisterAsync();
        (await Http.PostMatrixAsync(V3 + "/createRoom", new { preset = "party" }, alice.AccessToken)).AssertError(400, "M_INVALID_PARAM");
        (await Http.PostMatrixAsync(V3 + "/createRoom", new { invite = new[] { "not-a-user" } }, alice.AccessToken)).AssertError(400, "M_INVALID_PARAM");
        (await Http.PostMatrixAsync(V3 + "/createRoom", "{\"name\": 5}", alice.AccessToken)).AssertError(400, "M_BAD_JSON");
        // A power level override the auth rules refuse (v10+: strings are not integers) rejects the whole room.
        (await Http.PostMatrixAsync(V3 + "/createRoom", new { room_version = "11", power_level_content_override = new { ban = "50" } }, alice.AccessToken))
            .AssertError(400, "M_INVALID_ROOM_STATE");
        (await Http.PostMatrixAsync(V3 + "/createRoom", new { }, null)).AssertError(401, "M_MISSING_TOKEN");

        var joined = (await Http.GetMatrixAsync(V3 + "/joined_rooms", alice.AccessToken)).AssertOk().Body["joined_rooms"]!.AsArray();
        Assert.Empty(joined);
    }
}

public sealed class SqliteCreateRoomTests(SqliteServer server) : CreateRoomTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresCreateRoomTests(PostgresServer server) : CreateRoomTests(server), IClassFixture<PostgresServer>;
