using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.SlidingSyncTestClient;

namespace Messenger.Homeserver.Tests.Rooms;

/// <summary>
/// "Room History Visibility" on /messages, /event, /context, /relations, /sync and sliding sync, and reading a room after
/// leaving it (history up to the leave, state and members as they were then).
/// </summary>
public abstract class HistoryVisibilityTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private async Task<(Session Alice, Session Bob, string RoomId)> RoomAsync(string visibility)
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.PutStateAsync(alice, roomId, "m.room.history_visibility", "", new { history_visibility = visibility })).AssertOk();
        return (alice, bob, roomId);
    }

    private async Task<List<string>> MessagesAsync(Session session, string roomId) =>
        (await Http.RoomGetAsync(session, roomId, "messages?dir=b&limit=100")).AssertOk().Body["chunk"]!.AsArray().Select(e => e!.AsObject()).Bodies();

    [Fact]
    public async Task Joined_history_is_hidden_from_before_the_join_on_every_read_api()
    {
        var (alice, bob, roomId) = await RoomAsync("joined");
        var before = await Http.SendTextAsync(alice, roomId, "before");
        (await Http.RoomPostAsync(bob, roomId, "join", new { })).AssertOk();
        var after = await Http.SendTextAsync(alice, roomId, "after");

        Assert.Equal(["after"], await MessagesAsync(bob, roomId));
        Assert.Equal(["after", "before"], await MessagesAsync(alice, roomId));
        (await Http.RoomGetAsync(bob, roomId, $"event/{Uri.EscapeDataString(before)}")).AssertError(404, "M_NOT_FOUND");
        (await Http.RoomGetAsync(bob, roomId, $"event/{Uri.EscapeDataString(after)}")).AssertOk();
        (await Http.RoomGetAsync(bob, roomId, $"context/{Uri.EscapeDataString(before)}")).AssertError(404, "M_NOT_FOUND");
        var context = (await Http.RoomGetAsync(bob, roomId, $"context/{Uri.EscapeDataString(after)}?limit=20")).AssertOk().Body;
        Assert.Empty(context["events_before"]!.AsArray().Select(e => e!.AsObject()).Bodies());
        Assert.Contains(context["events_before"]!.AsArray(), e => (string?)e!["type"] == "m.room.member" && (string?)e["state_key"] == bob.UserId);
        (await Http.GetMatrixAsync($"/_matrix/client/v1/rooms/{Uri.EscapeDataString(roomId)}/relations/{Uri.EscapeDataString(before)}", bob.AccessToken))
            .AssertError(404, "M_NOT_FOUND");

        var sliding = await Http.SlidingSyncAsync(bob, OneList(timelineLimit: 50));
        Assert.Equal(["after"], sliding.Room(roomId)!.SlidingTimeline().Bodies());
    }

    [Fact]
    public async Task Sync_shows_a_new_member_of_a_joined_room_no_event_from_before_the_join_initial_or_incremental()
    {
        var (alice, bob, roomId) = await RoomAsync("joined");
        var token = (string)(await Http.SyncAsync(bob))["next_batch"]!;
        await Http.SendTextAsync(alice, roomId, "before");
        (await Http.RoomPostAsync(bob, roomId, "join", new { })).AssertOk();
        await Http.SendTextAsync(alice, roomId, "after");

        // The room is new to bob in this window, so its timeline reaches back before his join: history visibility cuts it.
        var incremental = (await Http.SyncAsync(bob, token)).Timeline(roomId);
        Assert.Equal(["after"], incremental.Bodies());
        Assert.Contains(incremental, e => (string?)e["type"] == "m.room.member" && (string?)e["state_key"] == bob.UserId);
        Assert.Equal(["after"], (await Http.SyncAsync(bob)).Timeline(roomId).Bodies());
        Assert.Equal(["before", "after"], (await Http.SyncAsync(alice)).Timeline(roomId).Bodies());
    }

    [Fact]
    public async Task Sync_shows_a_new_member_of_an_invited_room_history_from_the_invite_on()
    {
        var (carol, dave, roomId) = await RoomAsync("invited");
        await Http.SendTextAsync(carol, roomId, "before the invite");
        (await Http.RoomPostAsync(carol, roomId, "invite", new { user_id = dave.UserId })).AssertOk();
        await Http.SendTextAsync(carol, roomId, "while invited");
        (await Http.RoomPostAsync(dave, roomId, "join", new { })).AssertOk();
        await Http.SendTextAsync(carol, roomId, "after the join");

        Assert.Equal(["while invited", "after the join"], (await Http.SyncAsync(dave)).Timeline(roomId).Bodies());
        // Shared history stays readable: the rule cuts only what the visibility hides.
        var (alice, bob, shared) = await RoomAsync("shared");
        await Http.SendTextAsync(alice, shared, "old news");
        (await Http.RoomPostAsync(bob, shared, "join", new { })).AssertOk();
        Assert.Equal(["old news"], (await Http.SyncAsync(bob)).Timeline(shared).Bodies());
    }

    [Fact]
    public async Task Shared_history_is_visible_to_a_member_who_joined_later_and_invited_history_from_the_invite_on()
    {
        var (alice, bob, shared) = await RoomAsync("shared");
        await Http.SendTextAsync(alice, shared, "old news");
        (await Http.RoomPostAsync(bob, shared, "join", new { })).AssertOk();
        Assert.Equal(["old news"], await MessagesAsync(bob, shared));

        var (carol, dave, invited) = await RoomAsync("invited");
        await Http.SendTextAsync(carol, invited, "before the invite");
        (await Http.RoomPostAsync(carol, invited, "invite", new { user_id = dave.UserId })).AssertOk();
        await Http.SendTextAsync(carol, invited, "while invited");
        (await Http.RoomPostAsync(dave, invited, "join", new { })).AssertOk();
        await Http.SendTextAsync(carol, invited, "after the join");
        Assert.Equal(["after the join", "while invited"], await MessagesAsync(dave, invited));
    }

    [Fact]
    public async Task A_user_who_left_reads_history_state_and_members_only_up_to_their_leave()
    {
        var (alice, bob, roomId) = await RoomAsync("shared");
        (await Http.PutStateAsync(alice, roomId, "m.room.name", "", new { name = "Then" })).AssertOk();
        (await Http.RoomPostAsync(bob, roomId, "join", new { })).AssertOk();
        var seen = await Http.SendTextAsync(alice, roomId, "while bob was here");
        (await Http.RoomPostAsync(bob, roomId, "leave", new { })).AssertOk();
        var unseen = await Http.SendTextAsync(alice, roomId, "after bob left");
        (await Http.PutStateAsync(alice, roomId, "m.room.name", "", new { name = "Now" })).AssertOk();
        var carol = await Http.RegisterAsync();
        (await Http.RoomPostAsync(carol, roomId, "join", new { })).AssertOk();

        Assert.Equal(["while bob was here"], await MessagesAsync(bob, roomId));
        (await Http.RoomGetAsync(bob, roomId, $"event/{Uri.EscapeDataString(seen)}")).AssertOk();
        (await Http.RoomGetAsync(bob, roomId, $"event/{Uri.EscapeDataString(unseen)}")).AssertError(404, "M_NOT_FOUND");
        Assert.Equal("Then", (string?)(await Http.RoomGetAsync(bob, roomId, "state/m.room.name/")).AssertOk().Body["name"]);
        var state = (await Http.RoomGetAsync(bob, roomId, "state")).AssertOk();
        Assert.DoesNotContain(((JsonArray)JsonNode.Parse(await state.Raw.Content.ReadAsStringAsync())!), e => (string?)e!["state_key"] == carol.UserId);
        var members = (await Http.RoomGetAsync(bob, roomId, "members")).AssertOk().Body["chunk"]!.AsArray().Select(e => (string?)e!["state_key"]).ToList();
        Assert.Equal(new[] { alice.UserId, bob.UserId }.Order(), members.Order());
        var context = (await Http.RoomGetAsync(bob, roomId, $"context/{Uri.EscapeDataString(seen)}?limit=20")).AssertOk().Body;
        Assert.Empty(context["events_after"]!.AsArray().Select(e => e!.AsObject()).Bodies());
    }

    [Fact]
    public async Task Outsiders_read_only_world_readable_rooms()
    {
        var (alice, stranger, open) = await RoomAsync("world_readable");
        await Http.SendTextAsync(alice, open, "for everyone");
        Assert.Equal(["for everyone"], await MessagesAsync(stranger, open));

        var (bob, outsider, closed) = await RoomAsync("shared");
        await Http.SendTextAsync(bob, closed, "members only");
        (await Http.RoomGetAsync(outsider, closed, "messages?dir=b")).AssertError(403, "M_FORBIDDEN");
        (await Http.RoomGetAsync(outsider, closed, "members")).AssertError(403, "M_FORBIDDEN");
        (await Http.RoomPostAsync(bob, closed, "invite", new { user_id = outsider.UserId })).AssertOk();
        (await Http.RoomGetAsync(outsider, closed, "messages?dir=b")).AssertError(403, "M_FORBIDDEN");
        (await Http.RoomGetAsync(outsider, "!nowhere:localhost", "messages?dir=b")).AssertError(404, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Members_at_a_token_are_the_members_then_and_the_membership_filters_combine_with_or()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var carol = await Http.RegisterAsync();
        var dave = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        var early = (string)(await Http.SyncAsync(alice))["next_batch"]!;
        (await Http.RoomPostAsync(bob, roomId, "join", new { })).AssertOk();
        await Http.SendTextAsync(bob, roomId, "bob is here");
        var prevBatch = (string)(await Http.SyncAsync(alice, filter: """{"room":{"timeline":{"limit":1}}}"""))["rooms"]!["join"]![roomId]!["timeline"]!["prev_batch"]!;
        (await Http.RoomPostAsync(alice, roomId, "invite", new { user_id = carol.UserId })).AssertOk();
        (await Http.RoomPostAsync(dave, roomId, "join", new { })).AssertOk();
        (await Http.RoomPostAsync(dave, roomId, "leave", new { })).AssertOk();

        async Task<List<string>> MembersAsync(string query) =>
            (await Http.RoomGetAsync(alice, roomId, "members" + query)).AssertOk().Body["chunk"]!.AsArray().Select(e => (string)e!["state_key"]!).Order().ToList();

        Assert.Equal([alice.UserId], await MembersAsync("?at=" + Uri.EscapeDataString(early)));
        // prev_batch is the gap before the timeline's message: Bob had joined by then.
        Assert.Equal(new[] { alice.UserId, bob.UserId }.Order(), await MembersAsync("?at=" + Uri.EscapeDataString(prevBatch)));
        Assert.Equal(new[] { alice.UserId, bob.UserId, carol.UserId, dave.UserId }.Order(), await MembersAsync(""));
        Assert.Equal([carol.UserId], await MembersAsync("?membership=invite"));
        Assert.Equal(new[] { carol.UserId, dave.UserId }.Order(), await MembersAsync("?not_membership=join"));
        Assert.Equal(new[] { alice.UserId, bob.UserId, dave.UserId }.Order(), await MembersAsync("?membership=join&not_membership=invite"));
        (await Http.RoomGetAsync(alice, roomId, "members?membership=member")).AssertError(400, "M_INVALID_PARAM");
        (await Http.RoomGetAsync(alice, roomId, "members?at=yesterday")).AssertError(400, "M_INVALID_PARAM");
    }
}

public sealed class SqliteHistoryVisibilityTests(SqliteServer server) : HistoryVisibilityTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresHistoryVisibilityTests(PostgresServer server) : HistoryVisibilityTests(server), IClassFixture<PostgresServer>;
