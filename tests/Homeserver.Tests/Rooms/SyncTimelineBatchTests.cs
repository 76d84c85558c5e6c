using System.Text.Json.Nodes;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Rooms;

/// <summary>
/// A sync of many rooms reads their timelines together (<see cref="RoomStore.RecentInRoomsAsync"/>): an initial sync of
/// a hundred rooms asked a hundred queries. Each room's part must be what reading the room alone gives: its newest
/// events in the window, whatever its history, its state changes and its neighbours in the stream.
/// </summary>
public abstract class SyncTimelineBatchTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    /// <summary>
    /// A room whose create event no other room shares: in room version 12 the room id is the create event's hash, and
    /// two rooms created by one user within the same millisecond would otherwise get the same one.
    /// </summary>
    private Task<string> NewRoomAsync(Session creator, string preset = "private_chat", string? name = null)
    {
        var body = new Dictionary<string, object> { ["preset"] = preset, ["creation_content"] = new { nonce = Guid.NewGuid().ToString("N") } };
        if (name is not null) body["name"] = name;
        return Http.CreateRoomAsync(creator, body);
    }

    [Fact]
    public async Task Newest_events_of_many_rooms_read_together_are_each_rooms_own()
    {
        var alice = await Http.RegisterAsync();
        var busy = await NewRoomAsync(alice);
        var stateful = await NewRoomAsync(alice, name: "Named");
        var quiet = await NewRoomAsync(alice);
        var mixed = await NewRoomAsync(alice);
        // Interleaved, so that every room's events are spread over the stream among the others'.
        for (var i = 0; i < 30; i++)
        {
            await Http.SendTextAsync(alice, busy, $"busy {i}");
            if (i % 10 == 0) (await Http.PutStateAsync(alice, stateful, "m.room.topic", "", new { topic = $"topic {i}" })).AssertOk();
            if (i % 3 == 0) await Http.SendTextAsync(alice, mixed, $"mixed {i}");
            if (i == 15) (await Http.PutStateAsync(alice, mixed, "m.room.name", "", new { name = "Renamed" })).AssertOk();
        }
        var rooms = new[] { busy, stateful, quiet, mixed, "!unknown:localhost" };
        var end = await server.WithServiceAsync<RoomStore, long>(store => store.MaxStreamOrderingAsync());
        var all = await server.WithServiceAsync<RoomStore, List<EventRow>>(store => store.RecentAsync(busy, 0, end, 100));
        var middle = all[15].StreamOrdering;

        foreach (var (after, upTo) in new[] { (0L, end), (middle, end), (0L, middle), (middle - 7, middle + 5), (end, end) })
        {
            foreach (var limit in new[] { 1, 2, 5, 11, 200 })
            {
                var together = await server.WithServiceAsync<RoomStore, Dictionary<string, List<EventRow>>>(
                    store => store.RecentInRoomsAsync(rooms, after, upTo, limit));
                foreach (var room in rooms)
                {
                    var alone = await server.WithServiceAsync<RoomStore, List<EventRow>>(store => store.RecentAsync(room, after, upTo, limit));
                    var read = together.GetValueOrDefault(room) ?? [];
                    Assert.True(alone.Select(e => e.EventId).SequenceEqual(read.Select(e => e.EventId)),
                        $"room {room}, window ({after}, {upTo}], limit {limit}: alone [{string.Join(", ", alone.Select(e => e.StreamOrdering))}], "
                        + $"together [{string.Join(", ", read.Select(e => e.StreamOrdering))}]");
                    Assert.Equal(alone.Count > 0, together.ContainsKey(room));
                }
            }
        }
    }

    [Fact]
    public async Task Initial_sync_of_many_rooms_shows_each_rooms_newest_visible_events_and_state()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var rooms = new List<string>();
        for (var r = 0; r < 6; r++)
        {
            var room = await NewRoomAsync(alice, "public_chat", $"room {r}");
            rooms.Add(room);
            for (var m = 0; m < r * 2; m++) await Http.SendTextAsync(alice, room, $"before {r}.{m}");
        }
        // Bob cannot see what was said before he joined here ("joined" history visibility).
        (await Http.PutStateAsync(alice, rooms[1], "m.room.history_visibility", "", new { history_visibility = "joined" })).AssertOk();
        await Http.SendTextAsync(alice, rooms[1], "hidden from bob");
        foreach (var room in rooms) (await Http.RoomPostAsync(bob, room, "join", new { })).AssertOk();
        for (var r = 0; r < rooms.Count; r++)
        {
            for (var m = 0; m < r; m++) await Http.SendTextAsync(alice, rooms[r], $"after {r}.{m}");
        }
        (await Http.PutStateAsync(alice, rooms[2], "m.room.topic", "", new { topic = "changed" })).AssertOk();
        // A room Bob left: not joined, so listed under "leave" with include_leave, read as before.
        var left = await NewRoomAsync(alice, "public_chat");
        (await Http.RoomPostAsync(bob, left, "join", new { })).AssertOk();
        await Http.SendTextAsync(alice, left, "before bob left");
        (await Http.RoomPostAsync(bob, left, "leave", new { })).AssertOk();
        await Http.SendTextAsync(alice, left, "after bob left");

        const string Filter = """{"room":{"include_leave":true,"state":{"lazy_load_members":true},"timeline":{"limit":4}}}""";
        var sync = await Http.SyncAsync(bob, filter: Filter);

        foreach (var room in rooms)
        {
            var messages = (await Http.RoomGetAsync(bob, room, "messages?dir=b&limit=4")).AssertOk().Body["chunk"]!.AsArray()
                .Select(e => (string)e!["event_id"]!).Reverse().ToList();
            var timeline = sync.Timeline(room);
            Assert.Equal(messages, timeline.Select(e => (string)e["event_id"]!).ToList());
            Assert.True((bool)sync["rooms"]!["join"]![room]!["timeline"]!["limited"]!); // every room has more than 4 events
            // Lazy loading: the state holds Alice's member event when she sent part of the timeline, Bob's own always.
            var state = sync["rooms"]!["join"]![room]!["state"]!["events"]!.AsArray().Concat(timeline).ToList();
            Assert.Contains(state, e => (string?)e!["type"] == "m.room.member" && (string?)e["state_key"] == bob.UserId);
            Assert.Contains(state, e => (string?)e!["type"] == "m.room.name");
        }
        Assert.DoesNotContain("hidden from bob", sync.Timeline(rooms[1]).Bodies());
        Assert.Contains("after 1.0", sync.Timeline(rooms[1]).Bodies());
        Assert.Contains(sync["rooms"]!["join"]![rooms[2]]!["timeline"]!["events"]!.AsArray(), e => (string?)e!["type"] == "m.room.topic");
        var leftTimeline = sync["rooms"]!["leave"]![left]!["timeline"]!["events"]!.AsArray().Select(e => e!.AsObject()).ToList();
        Assert.Contains("before bob left", leftTimeline.Bodies());
        Assert.DoesNotContain("after bob left", leftTimeline.Bodies());
    }

    [Fact]
    public async Task A_filter_that_passes_few_events_reads_further_pages_of_each_room()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var chatty = await NewRoomAsync(alice, "public_chat");
        var calm = await NewRoomAsync(alice, "public_chat");
        (await Http.RoomPostAsync(bob, chatty, "join", new { })).AssertOk();
        (await Http.RoomPostAsync(bob, calm, "join", new { })).AssertOk();
        await Http.SendTextAsync(alice, chatty, "alice early");
        await Http.SendTextAsync(alice, calm, "alice in calm");
        // More of others' events than a page read at once holds (200): Alice's are all behind them. Three senders, each
        // within the message rate limit's burst.
        var others = new List<Session> { bob, await Http.RegisterAsync(), await Http.RegisterAsync() };
        foreach (var other in others.Skip(1)) (await Http.RoomPostAsync(other, chatty, "join", new { })).AssertOk();
        for (var i = 0; i < 210; i++) await Http.SendTextAsync(others[i % 3], chatty, $"other {i}");
        await Http.SendTextAsync(alice, chatty, "alice late");

        var filter = "{\"room\":{\"timeline\":{\"limit\":3,\"senders\":[\"" + alice.UserId + "\"],\"types\":[\"m.room.message\"]}}}";
        var sync = await Http.SyncAsync(alice, filter: filter);

        Assert.Equal(["alice early", "alice late"], sync.Timeline(chatty).Bodies());
        Assert.Equal(["alice in calm"], sync.Timeline(calm).Bodies());
    }

    [Fact]
    public async Task Incremental_sync_with_news_in_many_rooms_has_each_rooms_new_events_only()
    {
        var alice = await Http.RegisterAsync();
        var rooms = new List<string>();
        for (var r = 0; r < 12; r++)
        {
            var room = await NewRoomAsync(alice);
            rooms.Add(room);
            await Http.SendTextAsync(alice, room, $"old {r}");
        }
        var since = (string)(await Http.SyncAsync(alice))["next_batch"]!;
        for (var r = 0; r < rooms.Count; r++)
        {
            for (var m = 0; m < r; m++) await Http.SendTextAsync(alice, rooms[r], $"new {r}.{m}");
        }

        var sync = await Http.SyncAsync(alice, since, filter: """{"room":{"timeline":{"limit":6}}}""");

        Assert.False(sync["rooms"]!["join"]!.AsObject().ContainsKey(rooms[0]));
        for (var r = 1; r < rooms.Count; r++)
        {
            var expected = Enumerable.Range(Math.Max(0, r - 6), Math.Min(r, 6)).Select(m => $"new {r}.{m}").ToList();
            Assert.Equal(expected, sync.Timeline(rooms[r]).Bodies());
            Assert.Equal(r > 6, (bool)sync["rooms"]!["join"]![rooms[r]]!["timeline"]!["limited"]!);
        }
    }
}

public sealed class SqliteSyncTimelineBatchTests(SqliteServer server) : SyncTimelineBatchTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresSyncTimelineBatchTests(PostgresServer server) : SyncTimelineBatchTests(server), IClassFixture<PostgresServer>;
