using System.Diagnostics;
using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Rooms;

/// <summary>"Syncing": initial and incremental sync, long-polling, invites, leaves, limited timelines.</summary>
public abstract class SyncTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    [Fact]
    public async Task Initial_sync_has_joined_rooms_with_state_and_timeline()
    {
        var alice = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { name = "Hello" });
        await Http.SendTextAsync(alice, roomId, "first");

        var sync = await Http.SyncAsync(alice);

        var room = sync["rooms"]!["join"]![roomId]!;
        var stateAndTimeline = room["state"]!["events"]!.AsArray().Concat(room["timeline"]!["events"]!.AsArray()).ToList();
        Assert.Contains(stateAndTimeline, e => (string?)e!["type"] == "m.room.create");
        Assert.Contains(stateAndTimeline, e => (string?)e!["type"] == "m.room.name");
        Assert.Equal(["first"], sync.Timeline(roomId).Bodies());
        Assert.Equal(1, (int)room["summary"]!["m.joined_member_count"]!);
        Assert.StartsWith("s", (string)sync["next_batch"]!);
    }

    [Fact]
    public async Task Incremental_sync_returns_only_new_events_and_long_poll_wakes_on_a_message()
    {
        var alice = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice);
        var since = (string)(await Http.SyncAsync(alice))["next_batch"]!;

        var empty = await Http.SyncAsync(alice, since);
        Assert.Empty(empty["rooms"]!["join"]!.AsObject());

        var watch = Stopwatch.StartNew();
        var waiting = Http.SyncAsync(alice, since, timeoutMs: 20_000);
        await Task.Delay(200);
        await Http.SendTextAsync(alice, roomId, "wake up");
        var woken = await waiting;

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), "the long-poll returned with the message, not at its timeout");
        Assert.Equal(["wake up"], woken.Timeline(roomId).Bodies());
        var room = woken["rooms"]!["join"]![roomId]!;
        Assert.False((bool)room["timeline"]!["limited"]!);
        Assert.Empty(room["state"]!["events"]!.AsArray());
    }

    [Fact]
    public async Task Long_poll_with_nothing_new_returns_after_its_timeout_with_the_same_position()
    {
        var alice = await Http.RegisterAsync();
        await Http.CreateRoomAsync(alice);
        var since = (string)(await Http.SyncAsync(alice))["next_batch"]!;
        var response = await Http.SyncAsync(alice, since, timeoutMs: 300);
        Assert.Empty(response["rooms"]!["join"]!.AsObject());
        Assert.NotNull(response["next_batch"]);
    }

    [Fact]
    public async Task Invite_appears_with_stripped_state_then_join_then_leave()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "private_chat", name = "Secret" });
        var since = (string)(await Http.SyncAsync(bob))["next_batch"]!;

        (await Http.RoomPostAsync(alice, roomId, "invite", new { user_id = bob.UserId })).AssertOk();
        var invited = await Http.SyncAsync(bob, since, timeoutMs: 5000);
        var inviteState = invited["rooms"]!["invite"]![roomId]!["invite_state"]!["events"]!.AsArray();
        Assert.Contains(inviteState, e => (string?)e!["type"] == "m.room.name" && (string?)e["content"]!["name"] == "Secret");
        Assert.Contains(inviteState, e => (string?)e!["type"] == "m.room.member" && (string?)e["state_key"] == bob.UserId);
        Assert.All(inviteState, e => Assert.Null(e!["event_id"]));

        (await Http.RoomPostAsync(bob, roomId, "join", new { })).AssertOk();
        var joined = await Http.SyncAsync(bob, (string)invited["next_batch"]!, timeoutMs: 5000);
        var room = joined["rooms"]!["join"]![roomId]!;
        var everything = room["state"]!["events"]!.AsArray().Concat(room["timeline"]!["events"]!.AsArray());
        Assert.Contains(everything, e => (string?)e!["type"] == "m.room.create");
        Assert.Empty(joined["rooms"]!["invite"]!.AsObject());

        (await Http.RoomPostAsync(alice, roomId, "kick", new { user_id = bob.UserId })).AssertOk();
        var left = await Http.SyncAsync(bob, (string)joined["next_batch"]!, timeoutMs: 5000);
        var leave = left["rooms"]!["leave"]![roomId]!["timeline"]!["events"]!.AsArray();
        Assert.Contains(leave, e => (string?)e!["type"] == "m.room.member" && (string?)e["content"]!["membership"] == "leave");
        Assert.Empty(left["rooms"]!["join"]!.AsObject());
    }

    [Fact]
    public async Task Limited_timeline_gives_prev_batch_that_messages_continues_without_gap()
    {
        var alice = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice);
        var since = (string)(await Http.SyncAsync(alice))["next_batch"]!;
        await Http.PutStateAsync(alice, roomId, "m.room.topic", "", new { topic = "changed early" });
        var sent = new List<string>();
        for (var i = 0; i < 15; i++)
        {
            sent.Add("n" + i);
            await Http.SendTextAsync(alice, roomId, "n" + i);
        }

        var sync = await Http.SyncAsync(alice, since, filter: "{\"room\":{\"timeline\":{\"limit\":5}}}");
        var room = sync["rooms"]!["join"]![roomId]!;
        Assert.True((bool)room["timeline"]!["limited"]!);
        Assert.Equal(sent[^5..], sync.Timeline(roomId).Bodies());
        // The topic changed between since and the timeline's start: it must come in state.
        Assert.Contains(room["state"]!["events"]!.AsArray(), e => (string?)e!["type"] == "m.room.topic");

        var prevBatch = (string)room["timeline"]!["prev_batch"]!;
        var older = (await Http.RoomGetAsync(alice, roomId, "messages?dir=b&limit=10&from=" + Uri.EscapeDataString(prevBatch))).AssertOk();
        Assert.Equal(Enumerable.Reverse(sent[..10]), older.Body["chunk"]!.AsArray().Select(e => e!.AsObject()).Bodies());
    }

    [Fact]
    public async Task Stored_filter_limits_the_timeline_and_other_users_filters_are_private()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var filterId = (await Http.PostMatrixAsync($"{V3}/user/{Uri.EscapeDataString(alice.UserId)}/filter", new { room = new { timeline = new { limit = 2 } } }, alice.AccessToken))
            .AssertOk().String("filter_id");
        var stored = (await Http.GetMatrixAsync($"{V3}/user/{Uri.EscapeDataString(alice.UserId)}/filter/{filterId}", alice.AccessToken)).AssertOk();
        Assert.Equal(2, (int)stored.Body["room"]!["timeline"]!["limit"]!);
        (await Http.GetMatrixAsync($"{V3}/user/{Uri.EscapeDataString(alice.UserId)}/filter/{filterId}", bob.AccessToken)).AssertError(403, "M_FORBIDDEN");
        (await Http.PostMatrixAsync($"{V3}/user/{Uri.EscapeDataString(alice.UserId)}/filter", new { }, bob.AccessToken)).AssertError(403, "M_FORBIDDEN");
        (await Http.GetMatrixAsync($"{V3}/user/{Uri.EscapeDataString(alice.UserId)}/filter/999", alice.AccessToken)).AssertError(404, "M_NOT_FOUND");

        var roomId = await Http.CreateRoomAsync(alice);
        for (var i = 0; i < 4; i++) await Http.SendTextAsync(alice, roomId, "x" + i);
        var sync = await Http.SyncAsync(alice, filter: filterId);
        Assert.Equal(["x2", "x3"], sync.Timeline(roomId).Bodies());
    }

    [Fact]
    public async Task Bad_since_token_is_refused() =>
        (await Http.GetMatrixAsync(V3 + "/sync?since=nonsense", (await Http.RegisterAsync()).AccessToken)).AssertError(400, "M_INVALID_PARAM");

    [Fact]
    public async Task Concurrent_senders_make_one_linear_history_and_every_syncing_client_sees_each_message_once()
    {
        const int senders = 8, perSender = 15;
        var owner = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(owner, new { preset = "public_chat" });
        var users = new List<Session>();
        for (var i = 0; i < senders; i++)
        {
            var user = await Http.RegisterAsync();
            (await Http.RoomPostAsync(user, roomId, "join", new { })).AssertOk();
            users.Add(user);
        }
        var watchers = users.Take(3).ToList();
        var start = new Dictionary<Session, string>();
        foreach (var w in watchers) start[w] = (string)(await Http.SyncAsync(w))["next_batch"]!;

        // Watchers follow next_batch with short long-polls while everyone sends.
        using var stop = new CancellationTokenSource();
        var seen = watchers.ToDictionary(w => w, _ => new List<string>());
        var following = watchers.Select(async w =>
        {
            var token = start[w];
            while (!stop.IsCancellationRequested || seen[w].Count < senders * perSender)
            {
                // A timeline limit above the total, so a window is never cut short (limited) and every event shows.
                var sync = await Http.SyncAsync(w, token, timeoutMs: 500, filter: "{\"room\":{\"timeline\":{\"limit\":1000}}}");
                Assert.False((bool?)sync["rooms"]?["join"]?[roomId]?["timeline"]?["limited"] ?? false);
                seen[w].AddRange(sync.Timeline(roomId).Bodies());
                token = (string)sync["next_batch"]!;
                if (stop.IsCancellationRequested && seen[w].Count >= senders * perSender) break;
            }
        }).ToList();

        await Task.WhenAll(users.Select((u, i) => Task.Run(async () =>
        {
            for (var n = 0; n < perSender; n++) await Http.SendTextAsync(u, roomId, $"u{i}-{n}");
        })));
        stop.CancelAfter(TimeSpan.FromSeconds(30));
        await Task.WhenAll(following).WaitAsync(TimeSpan.FromSeconds(60));

        var expected = Enumerable.Range(0, senders).SelectMany(i => Enumerable.Range(0, perSender).Select(n => $"u{i}-{n}")).Order().ToList();
        foreach (var w in watchers) Assert.Equal(expected, seen[w].Order().ToList());

        // One linear history: every event's prev_events is exactly the event before it in /messages order.
        var history = (await Http.RoomGetAsync(owner, roomId, "messages?dir=f&limit=1000")).AssertOk().Body["chunk"]!.AsArray();
        Assert.Equal(expected, history.Select(e => e!.AsObject()).Bodies().Order().ToList());
        Assert.Equal(history.Count, history.Select(e => (string)e!["event_id"]!).Distinct().Count());
        var perSenderOrder = history.Select(e => e!.AsObject()).Bodies().GroupBy(b => b.Split('-')[0]);
        foreach (var group in perSenderOrder)
            Assert.Equal(group.OrderBy(b => int.Parse(b.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture)), group);
    }
}

public sealed class SqliteSyncTests(SqliteServer server) : SyncTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresSyncTests(PostgresServer server) : SyncTests(server), IClassFixture<PostgresServer>;
