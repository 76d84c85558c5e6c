using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Rooms;

/// <summary>Sending, state, redaction, membership and reading history through the room APIs.</summary>
public abstract class RoomEventsTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private async Task<(Session Alice, Session Bob, string RoomId)> RoomWithTwoAsync(string preset = "public_chat")
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset });
        if (preset != "public_chat") (await Http.RoomPostAsync(alice, roomId, "invite", new { user_id = bob.UserId })).AssertOk();
        (await Http.RoomPostAsync(bob, roomId, "join", new { })).AssertOk();
        return (alice, bob, roomId);
    }

    [Fact]
    public async Task Same_transaction_id_sends_once_and_other_devices_do_not_see_the_txn_id()
    {
        var (alice, bob, roomId) = await RoomWithTwoAsync();
        var first = await Http.SendTextAsync(alice, roomId, "once", txnId: "txn1");
        var again = await Http.SendTextAsync(alice, roomId, "once", txnId: "txn1");
        Assert.Equal(first, again);

        var mine = (await Http.RoomGetAsync(alice, roomId, $"event/{Uri.EscapeDataString(first)}")).AssertOk();
        Assert.Equal("txn1", (string?)mine.Body["unsigned"]!["transaction_id"]);
        var theirs = (await Http.RoomGetAsync(bob, roomId, $"event/{Uri.EscapeDataString(first)}")).AssertOk();
        Assert.Null(theirs.Body["unsigned"]!["transaction_id"]);
        var messages = (await Http.RoomGetAsync(alice, roomId, "messages?dir=b&limit=50")).Body["chunk"]!.AsArray();
        Assert.Single(messages, m => (string?)m!["content"]?["body"] == "once");
    }

    [Fact]
    public async Task Retries_of_one_transaction_sent_at_once_make_one_event()
    {
        // "Transaction identifiers": the same txnId from the same device is the same request, however it races.
        var (alice, _, roomId) = await RoomWithTwoAsync();
        var ids = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Http.SendTextAsync(alice, roomId, "raced", txnId: "race1")));
        Assert.Single(ids.Distinct());
        var messages = (await Http.RoomGetAsync(alice, roomId, "messages?dir=b&limit=50")).Body["chunk"]!.AsArray();
        Assert.Single(messages, m => (string?)m!["content"]?["body"] == "raced");
    }

    [Fact]
    public async Task A_refused_event_among_concurrent_sends_fails_alone()
    {
        var (alice, bob, roomId) = await RoomWithTwoAsync();
        var sends = Enumerable.Range(0, 10).Select(i => Http.SendTextAsync(alice, roomId, $"ok {i}")).ToList();
        // Bob has power level 0; changing the power levels needs 100 in a public_chat room.
        var refused = Http.PutStateAsync(bob, roomId, "m.room.power_levels", "", new { users = new Dictionary<string, int> { [bob.UserId] = 100 } });
        var ids = await Task.WhenAll(sends);
        (await refused).AssertError(403, "M_FORBIDDEN");
        Assert.Equal(10, ids.Distinct().Count());
        var bodies = (await Http.RoomGetAsync(alice, roomId, "messages?dir=b&limit=50")).Body["chunk"]!.AsArray()
            .Select(m => (string?)m!["content"]?["body"]).ToList();
        Assert.All(Enumerable.Range(0, 10), i => Assert.Contains($"ok {i}", bodies));
    }

    [Fact]
    public async Task Non_member_cannot_send_or_read_and_unknown_room_is_not_found()
    {
        var (alice, _, roomId) = await RoomWithTwoAsync();
        var eve = await Http.RegisterAsync();
        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/rooms/{roomId}/send/m.room.message/x", new { body = "hi", msgtype = "m.text" }, eve.AccessToken))
            .AssertError(403, "M_FORBIDDEN");
        (await Http.RoomGetAsync(eve, roomId, "messages?dir=b")).AssertError(403, "M_FORBIDDEN");
        (await Http.RoomGetAsync(eve, roomId, "state")).AssertError(403, "M_FORBIDDEN");
        (await Http.RoomGetAsync(alice, "!nowhere:test.local", "state")).AssertError(404, "M_NOT_FOUND");
        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/rooms/!nowhere:test.local/send/m.room.message/x", new { body = "hi" }, alice.AccessToken))
            .AssertError(404, "M_NOT_FOUND");
    }

    [Fact]
    public async Task State_events_round_trip_and_need_power()
    {
        var (alice, bob, roomId) = await RoomWithTwoAsync();
        (await Http.PutStateAsync(alice, roomId, "m.room.name", "", new { name = "First" })).AssertOk();
        var second = (await Http.PutStateAsync(alice, roomId, "m.room.name", "", new { name = "Second" })).AssertOk().String("event_id");

        var full = (await Http.RoomGetAsync(alice, roomId, "state/m.room.name/?format=event")).AssertOk();
        Assert.Equal(second, full.String("event_id"));
        Assert.Equal("First", (string?)full.Body["unsigned"]!["prev_content"]!["name"]);
        Assert.Equal("Second", (await Http.RoomGetAsync(alice, roomId, "state/m.room.name/")).String("name"));

        (await Http.PutStateAsync(bob, roomId, "m.room.name", "", new { name = "Bob's" })).AssertError(403, "M_FORBIDDEN");
        (await Http.RoomGetAsync(alice, roomId, "state/m.room.nothing/")).AssertError(404, "M_NOT_FOUND");
        var state = (await Http.RoomGetAsync(alice, roomId, "state")).AssertOk();
        Assert.Contains(state.Raw.Content.Headers.ContentType!.MediaType!, "application/json");
    }

    [Fact]
    public async Task A_state_key_with_a_slash_arrives_escaped_as_one_segment_and_a_literal_percent_2F_stays()
    {
        // Path parameters are URL-encoded by the client ("API Standards"); Kestrel leaves %2F undecoded in the path.
        var (alice, _, roomId) = await RoomWithTwoAsync();
        (await Http.PutStateAsync(alice, roomId, "org.example.widget", "https://example.org/w/1", new { n = 1 })).AssertOk();
        (await Http.PutStateAsync(alice, roomId, "org.example.widget", "100%2F", new { n = 2 })).AssertOk();

        var state = (await Http.RoomGetAsync(alice, roomId, "state")).AssertOk();
        var keys = ((JsonArray)JsonNode.Parse(await state.Raw.Content.ReadAsStringAsync())!)
            .Where(e => (string?)e!["type"] == "org.example.widget").Select(e => (string)e!["state_key"]!).Order();
        Assert.Equal(["100%2F", "https://example.org/w/1"], keys);
        Assert.Equal(1, (int)(await Http.RoomGetAsync(alice, roomId, $"state/org.example.widget/{Uri.EscapeDataString("https://example.org/w/1")}")).AssertOk().Body["n"]!);
        Assert.Equal(2, (int)(await Http.RoomGetAsync(alice, roomId, "state/org.example.widget/100%252F")).AssertOk().Body["n"]!);
    }

    [Fact]
    public async Task Same_state_content_again_returns_the_current_event()
    {
        var (alice, _, roomId) = await RoomWithTwoAsync();
        var first = (await Http.PutStateAsync(alice, roomId, "m.room.topic", "", new { topic = "same" })).AssertOk().String("event_id");
        var second = (await Http.PutStateAsync(alice, roomId, "m.room.topic", "", new { topic = "same" })).AssertOk().String("event_id");
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Invalid_state_body_is_refused()
    {
        var (alice, _, roomId) = await RoomWithTwoAsync();
        (await Http.PutStateAsync(alice, roomId, "m.room.name", "", "[1]")).AssertError(400, "M_BAD_JSON");
        (await Http.PutStateAsync(alice, roomId, "m.room.power_levels", "", new { users = new { x = "high" } })).AssertError(403, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Redaction_serves_the_redacted_form_with_redacted_because()
    {
        var (alice, bob, roomId) = await RoomWithTwoAsync();
        var message = await Http.SendTextAsync(bob, roomId, "oops");

        var redaction = (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/rooms/{roomId}/redact/{Uri.EscapeDataString(message)}/r1", new { reason = "spam" }, bob.AccessToken))
            .AssertOk().String("event_id");

        var redacted = (await Http.RoomGetAsync(alice, roomId, $"event/{Uri.EscapeDataString(message)}")).AssertOk();
        Assert.Empty(redacted.Body["content"]!.AsObject());
        Assert.Equal(redaction, (string?)redacted.Body["unsigned"]!["redacted_because"]!["event_id"]);
        Assert.Equal(message, (string?)redacted.Body["unsigned"]!["redacted_because"]!["redacts"]);
    }

    [Fact]
    public async Task Redacting_another_users_event_needs_the_redact_level()
    {
        var (alice, bob, roomId) = await RoomWithTwoAsync();
        var alices = await Http.SendTextAsync(alice, roomId, "mine");
        var bobs = await Http.SendTextAsync(bob, roomId, "his");

        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/rooms/{roomId}/redact/{Uri.EscapeDataString(alices)}/r1", new { }, bob.AccessToken))
            .AssertError(403, "M_FORBIDDEN");
        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/rooms/{roomId}/redact/{Uri.EscapeDataString(bobs)}/r2", new { }, alice.AccessToken)).AssertOk();
        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/rooms/{roomId}/redact/$unknown/r3", new { }, alice.AccessToken)).AssertError(404, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Invite_join_leave_kick_ban_unban_follow_the_auth_rules()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "private_chat" });

        (await Http.RoomPostAsync(bob, roomId, "join", new { })).AssertError(403, "M_FORBIDDEN");
        (await Http.RoomPostAsync(alice, roomId, "invite", new { user_id = bob.UserId })).AssertOk();
        (await Http.PostMatrixAsync($"{V3}/join/{Uri.EscapeDataString(roomId)}", new { }, bob.AccessToken)).AssertOk();
        Assert.Contains(roomId, (await Http.GetMatrixAsync(V3 + "/joined_rooms", bob.AccessToken)).Body["joined_rooms"]!.AsArray().Select(r => (string)r!));

        (await Http.RoomPostAsync(bob, roomId, "kick", new { user_id = alice.UserId })).AssertError(403, "M_FORBIDDEN");
        (await Http.RoomPostAsync(alice, roomId, "kick", new { user_id = bob.UserId, reason = "bye" })).AssertOk();
        // "Room History Visibility": after leaving (here: being kicked) a user still reads history, up to the kick.
        var newest = (await Http.RoomGetAsync(bob, roomId, "messages?dir=b")).AssertOk().Body["chunk"]![0]!;
        Assert.Equal("bye", (string?)newest["content"]!["reason"]);
        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/rooms/{Uri.EscapeDataString(roomId)}/send/m.room.message/after-kick", new { msgtype = "m.text", body = "x" },
            bob.AccessToken)).AssertError(403, "M_FORBIDDEN");

        (await Http.RoomPostAsync(alice, roomId, "ban", new { user_id = bob.UserId })).AssertOk();
        (await Http.RoomPostAsync(alice, roomId, "invite", new { user_id = bob.UserId })).AssertError(403, "M_FORBIDDEN");
        (await Http.RoomPostAsync(alice, roomId, "unban", new { user_id = bob.UserId })).AssertOk();
        (await Http.RoomPostAsync(alice, roomId, "unban", new { user_id = bob.UserId })).AssertError(400, "M_BAD_STATE");
        (await Http.RoomPostAsync(alice, roomId, "invite", new { user_id = bob.UserId })).AssertOk();
        (await Http.RoomPostAsync(bob, roomId, "leave", new { })).AssertOk();
        Assert.Equal("leave", (await Http.RoomGetAsync(alice, roomId, $"state/m.room.member/{Uri.EscapeDataString(bob.UserId)}")).String("membership"));

        (await Http.RoomPostAsync(alice, roomId, "invite", new { })).AssertError(400, "M_MISSING_PARAM");
        (await Http.RoomPostAsync(alice, roomId, "invite", new { user_id = "bob" })).AssertError(400, "M_INVALID_PARAM");
        (await Http.PostMatrixAsync($"{V3}/join/{Uri.EscapeDataString("#nowhere:test.local")}", new { }, bob.AccessToken)).AssertError(404, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Members_and_joined_members_list_the_room()
    {
        var (alice, bob, roomId) = await RoomWithTwoAsync("private_chat");
        var carol = await Http.RegisterAsync();
        (await Http.RoomPostAsync(alice, roomId, "invite", new { user_id = carol.UserId })).AssertOk();

        var joined = (await Http.RoomGetAsync(bob, roomId, "joined_members")).AssertOk().Body["joined"]!.AsObject();
        Assert.Equal(new[] { alice.UserId, bob.UserId }.Order(), joined.Select(kv => kv.Key).Order());
        Assert.NotNull(joined[alice.UserId]!["display_name"]);

        var all = (await Http.RoomGetAsync(bob, roomId, "members")).AssertOk().Body["chunk"]!.AsArray();
        Assert.Equal(3, all.Count);
        var invited = (await Http.RoomGetAsync(bob, roomId, "members?membership=invite")).AssertOk().Body["chunk"]!.AsArray();
        Assert.Equal(carol.UserId, (string?)Assert.Single(invited)!["state_key"]);
        var notJoined = (await Http.RoomGetAsync(bob, roomId, "members?not_membership=join")).AssertOk().Body["chunk"]!.AsArray();
        Assert.Single(notJoined);
    }

    [Fact]
    public async Task Tokens_are_gaps_between_events_so_turning_round_loses_and_repeats_nothing()
    {
        var (alice, _, roomId) = await RoomWithTwoAsync();
        foreach (var text in new[] { "m1", "m2", "m3", "m4", "m5" }) await Http.SendTextAsync(alice, roomId, text);

        var back = (await Http.RoomGetAsync(alice, roomId, "messages?dir=b&limit=3")).AssertOk();
        Assert.Equal(["m5", "m4", "m3"], back.Body["chunk"]!.AsArray().Select(e => e!.AsObject()).Bodies());
        var end = (string)back.Body["end"]!;

        // Forwards from where the backwards page ended starts with its oldest event (spec: "starting at from").
        var forward = (await Http.RoomGetAsync(alice, roomId, $"messages?dir=f&limit=3&from={Uri.EscapeDataString(end)}")).AssertOk();
        Assert.Equal(["m3", "m4", "m5"], forward.Body["chunk"]!.AsArray().Select(e => e!.AsObject()).Bodies());

        // And back again from the forwards page's end: the same three, newest first.
        var again = (await Http.RoomGetAsync(alice, roomId, $"messages?dir=b&limit=3&from={Uri.EscapeDataString((string)forward.Body["end"]!)}")).AssertOk();
        Assert.Equal(["m5", "m4", "m3"], again.Body["chunk"]!.AsArray().Select(e => e!.AsObject()).Bodies());

        // A sync's prev_batch is the gap before the timeline: forwards from it starts with the timeline's first event.
        var sync = await Http.SyncAsync(alice, filter: "{\"room\":{\"timeline\":{\"limit\":2}}}");
        var prevBatch = (string)sync["rooms"]!["join"]![roomId]!["timeline"]!["prev_batch"]!;
        var fromPrev = (await Http.RoomGetAsync(alice, roomId, $"messages?dir=f&limit=2&from={Uri.EscapeDataString(prevBatch)}")).AssertOk();
        Assert.Equal(["m4", "m5"], fromPrev.Body["chunk"]!.AsArray().Select(e => e!.AsObject()).Bodies());
    }

    [Fact]
    public async Task Messages_paginate_backwards_and_forwards_in_order_without_gaps()
    {
        var (alice, bob, roomId) = await RoomWithTwoAsync();
        var sent = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            var text = "m" + i.ToString("D2");
            await Http.SendTextAsync(i % 2 == 0 ? alice : bob, roomId, text);
            sent.Add(text);
        }

        var backwards = new List<string>();
        string? from = null;
        for (var page = 0; page < 10; page++)
        {
            var response = (await Http.RoomGetAsync(alice, roomId, "messages?dir=b&limit=7" + (from is null ? "" : "&from=" + Uri.EscapeDataString(from)))).AssertOk();
            backwards.AddRange(response.Body["chunk"]!.AsArray().Select(e => e!.AsObject()).Bodies());
            from = (string?)response.Body["end"];
            if (from is null) break;
        }
        Assert.Equal(Enumerable.Reverse(sent), backwards);

        var forwards = (await Http.RoomGetAsync(alice, roomId, "messages?dir=f&limit=100")).AssertOk();
        Assert.Equal(sent, forwards.Body["chunk"]!.AsArray().Select(e => e!.AsObject()).Bodies());
        (await Http.RoomGetAsync(alice, roomId, "messages?dir=x")).AssertError(400, "M_INVALID_PARAM");
        (await Http.RoomGetAsync(alice, roomId, "messages")).AssertError(400, "M_MISSING_PARAM");
        (await Http.RoomGetAsync(alice, roomId, "messages?dir=b&from=garbage")).AssertError(400, "M_INVALID_PARAM");
    }
}

public sealed class SqliteRoomEventsTests(SqliteServer server) : RoomEventsTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresRoomEventsTests(PostgresServer server) : RoomEventsTests(server), IClassFixture<PostgresServer>;
