using System.Diagnostics;
using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;
using static Messenger.Homeserver.Tests.Support.SlidingSyncTestClient;

namespace Messenger.Homeserver.Tests.SlidingSync;

/// <summary>Simplified sliding sync (MSC4186): lists, ranges, recency, connections and deltas, long-polling, errors.</summary>
public abstract class SlidingSyncTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    [Fact]
    public async Task Versions_advertise_the_unstable_feature()
    {
        var versions = (await Http.GetMatrixAsync("/_matrix/client/versions")).AssertOk().Body;
        Assert.True((bool)versions["unstable_features"]!["org.matrix.simplified_msc3575"]!);
    }

    [Fact]
    public async Task A_list_counts_every_room_and_returns_the_most_recent_ones_inside_its_range()
    {
        var alice = await Http.RegisterAsync();
        var oldest = await Http.CreateRoomAsync(alice, new { name = "oldest" });
        var middle = await Http.CreateRoomAsync(alice, new { name = "middle" });
        var newest = await Http.CreateRoomAsync(alice, new { name = "newest" });
        await Http.SendTextAsync(alice, oldest, "bumped to the top");

        var response = await Http.SlidingSyncAsync(alice, OneList(ranges: new JsonArray(new JsonArray(0, 1)), requiredState: State(("m.room.create", ""))));

        Assert.Equal(3, response.Count("all"));
        Assert.Equal(new[] { newest, oldest }.Order(), response.RoomIds().Order());
        Assert.DoesNotContain(middle, response.RoomIds());
        var top = response.Room(oldest)!;
        Assert.True((bool)top["initial"]!);
        Assert.Equal("oldest", (string?)top["name"]);
        Assert.Equal(["bumped to the top"], top.SlidingTimeline().Bodies());
        Assert.True((bool)top["limited"]!);
        Assert.Equal([("m.room.create", "")], top.RequiredState());
        Assert.Equal(1, (int)top["joined_count"]!);
        Assert.Equal("join", (string?)top["membership"]);
        Assert.True((long)top["bump_stamp"]! > (long)response.Room(newest)!["bump_stamp"]!, "the message bumped the older room past the newer one");
        Assert.NotNull(top["prev_batch"]);
        Assert.False(string.IsNullOrEmpty((string?)response["pos"]));
    }

    [Fact]
    public async Task A_later_request_sends_only_rooms_with_news_and_the_long_poll_wakes_on_a_message()
    {
        var alice = await Http.RegisterAsync();
        var quiet = await Http.CreateRoomAsync(alice);
        var busy = await Http.CreateRoomAsync(alice);
        var body = OneList(timelineLimit: 5);
        var first = await Http.SlidingSyncAsync(alice, body);

        var nothing = await Http.SlidingSyncAsync(alice, body, (string)first["pos"]!);
        Assert.Empty(nothing.RoomIds());

        var watch = Stopwatch.StartNew();
        var waiting = Http.SlidingSyncAsync(alice, body, (string)nothing["pos"]!, timeoutMs: 20_000);
        await Task.Delay(200);
        await Http.SendTextAsync(alice, busy, "wake up");
        var woken = await waiting;

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), "the long-poll returned with the message, not at its timeout");
        Assert.Equal([busy], woken.RoomIds());
        var room = woken.Room(busy)!;
        Assert.Null(room["initial"]);
        Assert.Equal(["wake up"], room.SlidingTimeline().Bodies());
        Assert.Single(room.SlidingTimeline());
        Assert.Equal(1, (int)room["num_live"]!);
        Assert.False((bool)room["limited"]!);
        Assert.Null(room["name"]);
        Assert.DoesNotContain(quiet, woken.RoomIds());
    }

    [Fact]
    public async Task A_long_poll_with_nothing_new_returns_after_its_timeout()
    {
        var alice = await Http.RegisterAsync();
        await Http.CreateRoomAsync(alice);
        var first = await Http.SlidingSyncAsync(alice, OneList());
        var watch = Stopwatch.StartNew();
        var empty = await Http.SlidingSyncAsync(alice, OneList(), (string)first["pos"]!, timeoutMs: 400);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(350), "it waited");
        Assert.Empty(empty.RoomIds());
        Assert.Equal(1, empty.Count("all"));
    }

    [Fact]
    public async Task Widening_the_range_sends_only_the_rooms_not_sent_before()
    {
        var alice = await Http.RegisterAsync();
        var rooms = new List<string>();
        for (var i = 0; i < 4; i++) rooms.Add(await Http.CreateRoomAsync(alice));
        var first = await Http.SlidingSyncAsync(alice, OneList(ranges: new JsonArray(new JsonArray(0, 1))));
        Assert.Equal(rooms[2..].Order(), first.RoomIds().Order());

        var wider = await Http.SlidingSyncAsync(alice, OneList(ranges: new JsonArray(new JsonArray(0, 3))), (string)first["pos"]!);
        Assert.Equal(rooms[..2].Order(), wider.RoomIds().Order());
        Assert.All(wider.RoomIds(), id => Assert.True((bool)wider.Room(id)!["initial"]!));
    }

    [Fact]
    public async Task Retrying_a_pos_gives_the_same_rooms_and_an_unknown_pos_is_M_UNKNOWN_POS()
    {
        var alice = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice);
        var first = await Http.SlidingSyncAsync(alice, OneList());
        var pos = (string)first["pos"]!;
        await Http.SendTextAsync(alice, roomId, "once");

        var attempt = await Http.SlidingSyncAsync(alice, OneList(), pos);
        var retry = await Http.SlidingSyncAsync(alice, OneList(), pos);
        Assert.Equal(["once"], attempt.Room(roomId)!.SlidingTimeline().Bodies());
        Assert.Equal(["once"], retry.Room(roomId)!.SlidingTimeline().Bodies());

        (await Http.SlidingSyncRawAsync(alice, OneList(), "nonsense")).AssertError(400, "M_UNKNOWN_POS");
        var otherConnection = OneList();
        otherConnection["conn_id"] = "other";
        (await Http.SlidingSyncRawAsync(alice, otherConnection, pos)).AssertError(400, "M_UNKNOWN_POS");
        var bob = await Http.RegisterAsync();
        (await Http.SlidingSyncRawAsync(bob, OneList(), pos)).AssertError(400, "M_UNKNOWN_POS");
        // The response after the retried one moves on: the pos before it is gone.
        var next = await Http.SlidingSyncAsync(alice, OneList(), (string)retry["pos"]!);
        Assert.Empty(next.RoomIds());
        (await Http.SlidingSyncRawAsync(alice, OneList(), pos)).AssertError(400, "M_UNKNOWN_POS");
    }

    [Fact]
    public async Task Malformed_requests_are_refused_with_the_spec_errors()
    {
        var alice = await Http.RegisterAsync();
        (await Http.PostMatrixAsync(SlidingSyncPath, OneList())).AssertError(401, "M_MISSING_TOKEN");
        (await Http.SlidingSyncRawAsync(alice, OneList(ranges: new JsonArray(new JsonArray(5, 2))))).AssertError(400, "M_INVALID_PARAM");
        (await Http.SlidingSyncRawAsync(alice, OneList(ranges: new JsonArray(new JsonArray(1))))).AssertError(400, "M_BAD_JSON");
        (await Http.SlidingSyncRawAsync(alice, OneList(requiredState: new JsonArray(new JsonArray("m.room.create"))))).AssertError(400, "M_BAD_JSON");
        (await Http.SlidingSyncRawAsync(alice, OneList(requiredState: new JsonArray("m.room.create")))).AssertError(400, "M_BAD_JSON");
        var noLimit = new JsonObject { ["lists"] = new JsonObject { ["all"] = new JsonObject { ["ranges"] = new JsonArray(new JsonArray(0, 1)) } } };
        (await Http.SlidingSyncRawAsync(alice, noLimit)).AssertError(400, "M_MISSING_PARAM");
        (await Http.SlidingSyncRawAsync(alice, OneList(timelineLimit: -1))).AssertError(400, "M_INVALID_PARAM");
        (await Http.SlidingSyncRawAsync(alice, new JsonObject { ["lists"] = "all" })).AssertError(400, "M_BAD_JSON");
        (await Http.SendMatrixAsync(HttpMethod.Post, SlidingSyncPath, "{not json", alice.AccessToken)).AssertError(400, "M_NOT_JSON");
    }

    [Fact]
    public async Task Raising_the_timeline_limit_resends_the_latest_events_as_an_expanded_timeline()
    {
        var alice = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice);
        foreach (var text in new[] { "a", "b", "c" }) await Http.SendTextAsync(alice, roomId, text);
        var first = await Http.SlidingSyncAsync(alice, OneList(timelineLimit: 1));
        Assert.Equal(["c"], first.Room(roomId)!.SlidingTimeline().Bodies());

        var expanded = await Http.SlidingSyncAsync(alice, OneList(timelineLimit: 3), (string)first["pos"]!);
        var room = expanded.Room(roomId)!;
        Assert.True((bool)room["unstable_expanded_timeline"]!);
        Assert.Equal(["a", "b", "c"], room.SlidingTimeline().Bodies());
        Assert.Null(room["initial"]);
    }
}

public sealed class SqliteSlidingSyncTests(SqliteServer server) : SlidingSyncTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresSlidingSyncTests(PostgresServer server) : SlidingSyncTests(server), IClassFixture<PostgresServer>;
