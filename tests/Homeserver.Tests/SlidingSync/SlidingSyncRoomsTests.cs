using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;
using static Messenger.Homeserver.Tests.Support.SlidingSyncTestClient;

namespace Messenger.Homeserver.Tests.SlidingSync;

/// <summary>Simplified sliding sync (MSC4186): what a room result holds — required_state, filters, subscriptions, memberships.</summary>
public abstract class SlidingSyncRoomsTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    [Fact]
    public async Task Required_state_understands_wildcards_me_and_lazy_members()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var carol = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat", name = "Lazy" });
        (await Http.RoomPostAsync(bob, roomId, "join", new { })).AssertOk();
        (await Http.RoomPostAsync(carol, roomId, "join", new { })).AssertOk();
        await Http.SendTextAsync(bob, roomId, "bob speaks");

        var everything = await Http.SlidingSyncAsync(alice, OneList(requiredState: State(("*", "*"))));
        var all = everything.Room(roomId)!.RequiredState();
        Assert.Contains(("m.room.member", carol.UserId), all);
        Assert.Contains(("m.room.join_rules", ""), all);

        var keysOfType = await Http.SlidingSyncAsync(alice, OneList(requiredState: State(("m.room.member", "*"))));
        Assert.Equal(3, keysOfType.Room(roomId)!.RequiredState().Count);

        var me = await Http.SlidingSyncAsync(carol, OneList(requiredState: State(("m.room.member", "$ME"), ("m.room.name", ""))));
        Assert.Equal([("m.room.member", carol.UserId), ("m.room.name", "")], me.Room(roomId)!.RequiredState().Order());

        var lazyBody = OneList(requiredState: State(("m.room.member", "$LAZY")));
        var lazy = await Http.SlidingSyncAsync(alice, lazyBody);
        Assert.Equal([("m.room.member", bob.UserId)], lazy.Room(roomId)!.RequiredState());

        await Http.SendTextAsync(bob, roomId, "bob again");
        await Http.SendTextAsync(carol, roomId, "carol speaks");
        var next = await Http.SlidingSyncAsync(alice, OneList(timelineLimit: 2, requiredState: State(("m.room.member", "$LAZY"))), (string)lazy["pos"]!);
        // Bob's member event is held already; Carol's is new to the client.
        Assert.Equal([("m.room.member", carol.UserId)], next.Room(roomId)!.RequiredState());
    }

    [Fact]
    public async Task State_changes_are_sent_once_and_a_widened_required_state_sends_the_newly_selected_state()
    {
        var alice = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { name = "Before" });
        var narrow = OneList(requiredState: State(("m.room.name", "")));
        var first = await Http.SlidingSyncAsync(alice, narrow);
        (await Http.PutStateAsync(alice, roomId, "m.room.name", "", new { name = "After" })).AssertOk();

        var renamed = await Http.SlidingSyncAsync(alice, narrow, (string)first["pos"]!);
        var room = renamed.Room(roomId)!;
        Assert.Equal("After", (string?)room["name"]);
        Assert.Equal([("m.room.name", "")], room.RequiredState());

        var wide = await Http.SlidingSyncAsync(alice, OneList(requiredState: State(("m.room.name", ""), ("m.room.create", ""))), (string)renamed["pos"]!);
        Assert.Equal([("m.room.create", "")], wide.Room(roomId)!.RequiredState());
        Assert.Empty(wide.Room(roomId)!.SlidingTimeline());
    }

    [Fact]
    public async Task Filters_select_invites_encrypted_rooms_spaces_and_direct_messages()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var plain = await Http.CreateRoomAsync(bob);
        var encrypted = await Http.CreateRoomAsync(bob, new { initial_state = new[] { new { type = "m.room.encryption", state_key = "", content = new { algorithm = "m.megolm.v1.aes-sha2" } } } });
        var space = await Http.CreateRoomAsync(bob, new { creation_content = new { type = "m.space" }, name = "Space" });
        var direct = await Http.CreateRoomAsync(alice, new { invite = new[] { bob.UserId }, is_direct = true, preset = "trusted_private_chat" });
        (await Http.PutStateAsync(bob, space, "m.space.child", plain, new { via = new[] { "localhost" } })).AssertOk();

        async Task<List<string>> ListAsync(JsonObject filters) => (await Http.SlidingSyncAsync(bob, OneList(filters: filters))).RoomIds();

        Assert.Equal([direct], await ListAsync(new JsonObject { ["is_invite"] = true }));
        Assert.Equal([direct], await ListAsync(new JsonObject { ["is_dm"] = true }));
        Assert.Equal([encrypted], await ListAsync(new JsonObject { ["is_encrypted"] = true, ["is_invite"] = false }));
        Assert.Equal([space], await ListAsync(new JsonObject { ["room_types"] = new JsonArray("m.space") }));
        Assert.Equal(new[] { encrypted, plain }.Order(), (await ListAsync(new JsonObject { ["room_types"] = new JsonArray((string?)null), ["is_invite"] = false })).Order());
        Assert.Equal(new[] { encrypted, plain }.Order(), (await ListAsync(new JsonObject { ["not_room_types"] = new JsonArray("m.space"), ["is_invite"] = false })).Order());
        Assert.Equal([plain], await ListAsync(new JsonObject { ["spaces"] = new JsonArray(space) }));

        var invite = (await Http.SlidingSyncAsync(bob, OneList(filters: new JsonObject { ["is_invite"] = true }))).Room(direct)!;
        Assert.Equal("invite", (string?)invite["membership"]);
        Assert.True((bool)invite["is_dm"]!);
        Assert.Contains(invite["invite_state"]!.AsArray(), e => (string?)e!["type"] == "m.room.member" && (string?)e["state_key"] == bob.UserId);
        Assert.Null(invite["timeline"]);
    }

    [Fact]
    public async Task A_subscription_returns_its_room_outside_every_range_and_ignores_rooms_without_membership()
    {
        var alice = await Http.RegisterAsync();
        var stranger = await Http.RegisterAsync();
        var subscribed = await Http.CreateRoomAsync(alice, new { name = "Subscribed" });
        await Http.CreateRoomAsync(alice);
        var foreign = await Http.CreateRoomAsync(stranger, new { preset = "public_chat" });
        var body = OneList(ranges: new JsonArray(new JsonArray(0, 0)));
        body["room_subscriptions"] = new JsonObject
        {
            [subscribed] = new JsonObject { ["timeline_limit"] = 10, ["required_state"] = State(("m.room.name", "")) },
            [foreign] = new JsonObject { ["timeline_limit"] = 10 },
            ["!unknown:localhost"] = new JsonObject { ["timeline_limit"] = 10 },
        };

        var response = await Http.SlidingSyncAsync(alice, body);

        Assert.Equal(2, response.RoomIds().Count);
        var room = response.Room(subscribed)!;
        Assert.Equal([("m.room.name", "")], room.RequiredState());
        Assert.Contains(room.SlidingTimeline(), e => (string?)e["type"] == "m.room.create");
        Assert.False((bool)room["limited"]!);
        Assert.Null(response.Room(foreign));
    }

    [Fact]
    public async Task An_invite_then_a_join_starts_the_room_afresh_and_heroes_name_an_unnamed_room()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { invite = new[] { bob.UserId } });
        var first = await Http.SlidingSyncAsync(bob, OneList(timelineLimit: 10));
        Assert.Equal("invite", (string?)first.Room(roomId)!["membership"]);

        (await Http.RoomPostAsync(bob, roomId, "join", new { })).AssertOk();
        var joined = await Http.SlidingSyncAsync(bob, OneList(timelineLimit: 10), (string)first["pos"]!);
        var room = joined.Room(roomId)!;
        Assert.True((bool)room["initial"]!);
        Assert.Equal("join", (string?)room["membership"]);
        Assert.Null(room["invite_state"]);
        Assert.Equal(2, (int)room["joined_count"]!);
        var hero = Assert.Single(room["heroes"]!.AsArray())!;
        Assert.Equal(alice.UserId, (string?)hero["user_id"]);
        Assert.Contains(room.SlidingTimeline(), e => (string?)e["type"] == "m.room.member" && (string?)e["state_key"] == bob.UserId);
    }

    [Fact]
    public async Task A_kicked_user_sees_the_room_up_to_the_kick_and_a_room_they_left_drops_off_a_new_connection()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var kicked = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        var left = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.RoomPostAsync(bob, kicked, "join", new { })).AssertOk();
        (await Http.RoomPostAsync(bob, left, "join", new { })).AssertOk();
        var first = await Http.SlidingSyncAsync(bob, OneList(timelineLimit: 5));

        (await Http.RoomPostAsync(alice, kicked, "kick", new { user_id = bob.UserId })).AssertOk();
        (await Http.RoomPostAsync(bob, left, "leave", new { })).AssertOk();
        await Http.SendTextAsync(alice, kicked, "after the kick");
        var after = await Http.SlidingSyncAsync(bob, OneList(timelineLimit: 5), (string)first["pos"]!);

        var room = after.Room(kicked)!;
        Assert.Equal("leave", (string?)room["membership"]);
        Assert.Empty(room.SlidingTimeline().Bodies());
        Assert.Equal(bob.UserId, (string?)room.SlidingTimeline()[^1]["state_key"]);
        Assert.Equal("leave", (string?)after.Room(left)!["membership"]);

        var fresh = await Http.SlidingSyncAsync(bob, OneList(timelineLimit: 5));
        Assert.Equal([kicked], fresh.RoomIds());
        Assert.Equal(1, fresh.Count("all"));
    }
}

public sealed class SqliteSlidingSyncRoomsTests(SqliteServer server) : SlidingSyncRoomsTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresSlidingSyncRoomsTests(PostgresServer server) : SlidingSyncRoomsTests(server), IClassFixture<PostgresServer>;
