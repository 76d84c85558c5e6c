using System.Diagnostics;
using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Presence;

/// <summary>"Presence": status set and read, delivered in sync to those who share a room, idle and sync timeouts on the server clock.</summary>
public abstract class PresenceTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private static string StatusPath(string userId) => $"{V3}/presence/{Uri.EscapeDataString(userId)}/status";

    private Task<MatrixResponse> SetAsync(Session user, object body, string? userId = null) =>
        Http.SendMatrixAsync(HttpMethod.Put, StatusPath(userId ?? user.UserId), body, user.AccessToken);

    /// <summary>The latest m.presence content of <paramref name="userId"/> in a sync response, or null.</summary>
    private static JsonObject? PresenceOf(JsonObject sync, string userId) =>
        sync["presence"]!["events"]!.AsArray().LastOrDefault(e => (string?)e!["sender"] == userId)?["content"]?.AsObject();

    private async Task<(Session Alice, Session Bob, string RoomId)> PairAsync()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.RoomPostAsync(bob, roomId, "join", new { })).AssertOk();
        return (alice, bob, roomId);
    }

    private Task<JsonObject> SyncAsync(Session user, string? since = null, string setPresence = "offline", int timeoutMs = 0) =>
        Http.GetMatrixAsync($"{V3}/sync?timeout={timeoutMs}&set_presence={setPresence}" + (since is null ? "" : "&since=" + Uri.EscapeDataString(since)), user.AccessToken)
            .ContinueWith(t => t.Result.AssertOk().Body);

    [Fact]
    public async Task Status_is_set_by_its_owner_and_read_by_those_who_share_a_room()
    {
        var (alice, bob, _) = await PairAsync();
        var stranger = await Http.RegisterAsync();
        (await SetAsync(alice, new { presence = "unavailable", status_msg = "at lunch" })).AssertOk();

        var seen = (await Http.GetMatrixAsync(StatusPath(alice.UserId), bob.AccessToken)).AssertOk().Body;
        Assert.Equal("unavailable", (string?)seen["presence"]);
        Assert.Equal("at lunch", (string?)seen["status_msg"]);
        Assert.Equal(0, (long)seen["last_active_ago"]!);
        Assert.False((bool)seen["currently_active"]!);
        Assert.Equal("unavailable", (string?)(await Http.GetMatrixAsync(StatusPath(alice.UserId), alice.AccessToken)).AssertOk().Body["presence"]);

        (await Http.GetMatrixAsync(StatusPath(alice.UserId), stranger.AccessToken)).AssertError(403, "M_FORBIDDEN");
        (await Http.GetMatrixAsync(StatusPath("@nobody_x1:test.local"), bob.AccessToken)).AssertError(404, "M_NOT_FOUND");
        (await Http.GetMatrixAsync(StatusPath(alice.UserId))).AssertError(401, "M_MISSING_TOKEN");
        // Nothing known yet reads as offline.
        Assert.Equal("""{"presence":"offline"}""", (await Http.GetMatrixAsync(StatusPath(stranger.UserId), stranger.AccessToken)).AssertOk().Body.ToJsonString());
    }

    [Fact]
    public async Task Bad_status_updates_are_refused()
    {
        var (alice, bob, _) = await PairAsync();
        (await SetAsync(bob, new { presence = "online" }, alice.UserId)).AssertError(403, "M_FORBIDDEN");
        (await SetAsync(alice, new { presence = "busy" })).AssertError(400, "M_INVALID_PARAM");
        (await SetAsync(alice, new { status_msg = "hi" })).AssertError(400, "M_MISSING_PARAM");
        (await SetAsync(alice, new { presence = 1 })).AssertError(400, "M_BAD_JSON");
        (await SetAsync(alice, new { presence = "online", status_msg = 5 })).AssertError(400, "M_BAD_JSON");
        (await Http.GetMatrixAsync($"{V3}/sync?set_presence=away", alice.AccessToken)).AssertError(400, "M_INVALID_PARAM");
        Assert.Equal("offline", (string?)(await Http.GetMatrixAsync(StatusPath(alice.UserId), bob.AccessToken)).Body["presence"]);
    }

    [Fact]
    public async Task Changes_reach_the_syncs_of_those_who_share_a_room_and_wake_them()
    {
        var (alice, bob, _) = await PairAsync();
        var stranger = await Http.RegisterAsync();
        var bobSince = (string)(await SyncAsync(bob))["next_batch"]!;
        var strangerSince = (string)(await SyncAsync(stranger))["next_batch"]!;

        var watch = Stopwatch.StartNew();
        var waiting = SyncAsync(bob, bobSince, timeoutMs: 20_000);
        await Task.Delay(200);
        (await SetAsync(alice, new { presence = "online", status_msg = "here" })).AssertOk();
        var woken = await waiting;
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), "the long-poll returned with the presence change, not at its timeout");
        var content = PresenceOf(woken, alice.UserId)!;
        Assert.Equal("online", (string?)content["presence"]);
        Assert.Equal("here", (string?)content["status_msg"]);
        Assert.True((bool)content["currently_active"]!);

        Assert.Null(PresenceOf(await SyncAsync(stranger, strangerSince), alice.UserId));
        Assert.Null(PresenceOf(await SyncAsync(bob, (string)woken["next_batch"]!), alice.UserId)); // nothing new
        Assert.Equal("online", (string?)PresenceOf(await SyncAsync(bob), alice.UserId)!["presence"]); // initial sync: current presence
    }

    [Fact]
    public async Task A_room_mate_who_left_no_longer_shows_their_presence()
    {
        var (alice, bob, roomId) = await PairAsync();
        var since = (string)(await SyncAsync(alice))["next_batch"]!;
        (await SetAsync(bob, new { presence = "online", status_msg = "still here" })).AssertOk();
        var shared = await SyncAsync(alice, since);
        Assert.Equal("still here", (string?)PresenceOf(shared, bob.UserId)!["status_msg"]);

        (await Http.RoomPostAsync(bob, roomId, "leave", new { })).AssertOk();
        since = (string)(await SyncAsync(alice, (string)shared["next_batch"]!))["next_batch"]!;
        (await SetAsync(bob, new { presence = "online", status_msg = "gone" })).AssertOk();

        Assert.Null(PresenceOf(await SyncAsync(alice, since), bob.UserId));
    }

    [Fact]
    public async Task Syncing_sets_presence_as_set_presence_says()
    {
        var (alice, bob, _) = await PairAsync();
        await SyncAsync(alice, setPresence: "offline");
        Assert.Equal("offline", (string?)(await Http.GetMatrixAsync(StatusPath(alice.UserId), bob.AccessToken)).Body["presence"]);

        await SyncAsync(alice, setPresence: "unavailable");
        Assert.Equal("unavailable", (string?)(await Http.GetMatrixAsync(StatusPath(alice.UserId), bob.AccessToken)).Body["presence"]);

        (await Http.GetMatrixAsync($"{V3}/sync?timeout=0", alice.AccessToken)).AssertOk(); // the default is online
        var online = (await Http.GetMatrixAsync(StatusPath(alice.UserId), bob.AccessToken)).Body;
        Assert.Equal("online", (string?)online["presence"]);
        Assert.True((bool)online["currently_active"]!);
    }

    [Fact]
    public async Task Sending_a_message_is_activity_that_brings_an_unavailable_user_back_online()
    {
        var (alice, bob, roomId) = await PairAsync();
        await SyncAsync(alice, setPresence: "online");
        await SyncAsync(alice, setPresence: "unavailable");
        server.Clock.Advance(TimeSpan.FromSeconds(10));
        var before = (await Http.GetMatrixAsync(StatusPath(alice.UserId), bob.AccessToken)).Body;
        Assert.Equal("unavailable", (string?)before["presence"]);
        Assert.True((long)before["last_active_ago"]! >= 10_000);

        await Http.SendTextAsync(alice, roomId, "back");
        var after = (await Http.GetMatrixAsync(StatusPath(alice.UserId), bob.AccessToken)).Body;
        Assert.Equal("online", (string?)after["presence"]);
        Assert.True((long)after["last_active_ago"]! < 10_000);
        Assert.True((bool)after["currently_active"]!);
    }

    [Fact]
    public async Task Idle_users_become_unavailable_and_users_who_stop_syncing_offline()
    {
        var (alice, bob, _) = await PairAsync();
        (await SetAsync(alice, new { presence = "online" })).AssertOk();
        var since = (string)(await SyncAsync(bob))["next_batch"]!;

        // Nobody syncs for alice: 30 seconds later she is offline.
        server.Clock.Advance(TimeSpan.FromSeconds(36));
        var status = (await Http.GetMatrixAsync(StatusPath(alice.UserId), bob.AccessToken)).Body;
        Assert.Equal("offline", (string?)status["presence"]);
        Assert.Equal("offline", (string?)PresenceOf(await SyncAsync(bob, since), alice.UserId)!["presence"]);

        // A long-running sync keeps her reachable, but without activity for 5 minutes she is unavailable.
        var carol = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(carol, new { preset = "public_chat" });
        (await Http.RoomPostAsync(bob, roomId, "join", new { })).AssertOk();
        var holding = SyncAsync(carol, (string)(await SyncAsync(carol, setPresence: "online"))["next_batch"]!, setPresence: "online", timeoutMs: 3000);
        await Task.Delay(200);
        server.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(6));
        Assert.Equal("unavailable", (string?)(await Http.GetMatrixAsync(StatusPath(carol.UserId), bob.AccessToken)).Body["presence"]);
        await holding;
    }
}

public sealed class SqlitePresenceTests(SqliteServer server) : PresenceTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresPresenceTests(PostgresServer server) : PresenceTests(server), IClassFixture<PostgresServer>;

/// <summary>A server with <c>presence.enabled: false</c>.</summary>
public sealed class PresenceDisabledServer : SqliteServer
{
    protected override string ExtraYaml => """
        presence:
          enabled: false
        """;
}

/// <summary>With presence disabled nothing changes anyone's presence and sync carries none.</summary>
public sealed class PresenceDisabledTests(PresenceDisabledServer server) : IClassFixture<PresenceDisabledServer>
{
    [Fact]
    public async Task Status_updates_are_accepted_and_ignored_and_sync_carries_no_presence()
    {
        var http = server.Client;
        var alice = await http.RegisterAsync();
        (await http.SendMatrixAsync(HttpMethod.Put, $"{V3}/presence/{Uri.EscapeDataString(alice.UserId)}/status", new { presence = "online" }, alice.AccessToken)).AssertOk();
        Assert.Equal("offline", (string?)(await http.GetMatrixAsync($"{V3}/presence/{Uri.EscapeDataString(alice.UserId)}/status", alice.AccessToken)).AssertOk().Body["presence"]);
        Assert.Empty((await http.SyncAsync(alice))["presence"]!["events"]!.AsArray());
    }
}
