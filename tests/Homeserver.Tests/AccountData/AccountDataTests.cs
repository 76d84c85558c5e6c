using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.AccountData;

/// <summary>"Client Config": global and room account data, the server-managed types, and delivery in sync.</summary>
public abstract class AccountDataTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private static string GlobalPath(Session user, string type, string? userId = null) =>
        $"{V3}/user/{Uri.EscapeDataString(userId ?? user.UserId)}/account_data/{Uri.EscapeDataString(type)}";

    private static string RoomPath(Session user, string roomId, string type) =>
        $"{V3}/user/{Uri.EscapeDataString(user.UserId)}/rooms/{Uri.EscapeDataString(roomId)}/account_data/{Uri.EscapeDataString(type)}";

    private static List<JsonObject> GlobalEvents(JsonObject sync) =>
        sync["account_data"]!["events"]!.AsArray().Select(e => e!.AsObject()).ToList();

    private static List<JsonObject> RoomEvents(JsonObject sync, string roomId) =>
        sync["rooms"]?["join"]?[roomId]?["account_data"]?["events"]?.AsArray().Select(e => e!.AsObject()).ToList() ?? [];

    [Fact]
    public async Task Global_account_data_is_stored_and_read_back_under_v3_and_r0()
    {
        var alice = await Http.RegisterAsync();
        (await Http.SendMatrixAsync(HttpMethod.Put, GlobalPath(alice, "org.example.settings"), new { theme = "dark", size = 3 }, alice.AccessToken)).AssertOk();

        var read = (await Http.GetMatrixAsync(GlobalPath(alice, "org.example.settings"), alice.AccessToken)).AssertOk().Body;
        Assert.Equal("""{"theme":"dark","size":3}""", read.ToJsonString());
        var legacy = await Http.GetMatrixAsync(GlobalPath(alice, "org.example.settings").Replace("/v3/", "/r0/"), alice.AccessToken);
        Assert.Equal(read.ToJsonString(), legacy.AssertOk().Body.ToJsonString());

        // A second PUT replaces the whole content.
        (await Http.SendMatrixAsync(HttpMethod.Put, GlobalPath(alice, "org.example.settings"), new { theme = "light" }, alice.AccessToken)).AssertOk();
        Assert.Equal("""{"theme":"light"}""", (await Http.GetMatrixAsync(GlobalPath(alice, "org.example.settings"), alice.AccessToken)).Body.ToJsonString());
    }

    [Fact]
    public async Task Unknown_types_are_not_found_and_other_users_data_is_forbidden()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        (await Http.GetMatrixAsync(GlobalPath(alice, "org.example.never"), alice.AccessToken)).AssertError(404, "M_NOT_FOUND");
        (await Http.SendMatrixAsync(HttpMethod.Put, GlobalPath(alice, "org.example.secret"), new { x = 1 }, alice.AccessToken)).AssertOk();

        (await Http.GetMatrixAsync(GlobalPath(bob, "org.example.secret", alice.UserId), bob.AccessToken)).AssertError(403, "M_FORBIDDEN");
        (await Http.SendMatrixAsync(HttpMethod.Put, GlobalPath(bob, "org.example.secret", alice.UserId), new { x = 2 }, bob.AccessToken)).AssertError(403, "M_FORBIDDEN");
        (await Http.GetMatrixAsync(GlobalPath(alice, "org.example.secret"))).AssertError(401, "M_MISSING_TOKEN");
        Assert.Equal(1, (int)(await Http.GetMatrixAsync(GlobalPath(alice, "org.example.secret"), alice.AccessToken)).Body["x"]!);
    }

    [Fact]
    public async Task Bodies_that_are_not_json_objects_are_refused_and_store_nothing()
    {
        var alice = await Http.RegisterAsync();
        (await Http.SendMatrixAsync(HttpMethod.Put, GlobalPath(alice, "org.example.a"), "[1,2]", alice.AccessToken)).AssertError(400, "M_BAD_JSON");
        (await Http.SendMatrixAsync(HttpMethod.Put, GlobalPath(alice, "org.example.a"), "{not json", alice.AccessToken)).AssertError(400, "M_NOT_JSON");
        (await Http.GetMatrixAsync(GlobalPath(alice, "org.example.a"), alice.AccessToken)).AssertError(404, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Server_managed_types_are_refused_with_405_M_BAD_JSON_but_readable()
    {
        var alice = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice);
        foreach (var type in new[] { "m.fully_read", "m.push_rules" })
        {
            (await Http.SendMatrixAsync(HttpMethod.Put, GlobalPath(alice, type), new { event_id = "$x" }, alice.AccessToken)).AssertError(405, "M_BAD_JSON");
            (await Http.SendMatrixAsync(HttpMethod.Put, RoomPath(alice, roomId, type), new { event_id = "$x" }, alice.AccessToken)).AssertError(405, "M_BAD_JSON");
        }
        // "Servers must allow clients to read the above event types as normal": the push rules are account data too.
        var rules = (await Http.GetMatrixAsync(GlobalPath(alice, "m.push_rules"), alice.AccessToken)).AssertOk().Body;
        Assert.NotEmpty(rules["global"]!["override"]!.AsArray());
        (await Http.GetMatrixAsync(RoomPath(alice, roomId, "m.fully_read"), alice.AccessToken)).AssertError(404, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Room_account_data_is_kept_per_room_without_falling_back_to_global()
    {
        var alice = await Http.RegisterAsync();
        var first = await Http.CreateRoomAsync(alice);
        var second = await Http.CreateRoomAsync(alice);
        (await Http.SendMatrixAsync(HttpMethod.Put, RoomPath(alice, first, "org.example.note"), new { text = "first" }, alice.AccessToken)).AssertOk();
        (await Http.SendMatrixAsync(HttpMethod.Put, GlobalPath(alice, "org.example.note"), new { text = "global" }, alice.AccessToken)).AssertOk();

        Assert.Equal("first", (string?)(await Http.GetMatrixAsync(RoomPath(alice, first, "org.example.note"), alice.AccessToken)).AssertOk().Body["text"]);
        (await Http.GetMatrixAsync(RoomPath(alice, second, "org.example.note"), alice.AccessToken)).AssertError(404, "M_NOT_FOUND");
        Assert.Equal("global", (string?)(await Http.GetMatrixAsync(GlobalPath(alice, "org.example.note"), alice.AccessToken)).Body["text"]);

        (await Http.SendMatrixAsync(HttpMethod.Put, RoomPath(alice, "not-a-room", "org.example.note"), new { text = "x" }, alice.AccessToken))
            .AssertError(400, "M_INVALID_PARAM");
        (await Http.GetMatrixAsync(RoomPath(alice, "not-a-room", "org.example.note"), alice.AccessToken)).AssertError(400, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task Initial_sync_carries_all_account_data_and_incremental_sync_only_what_changed()
    {
        var alice = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice);
        var quiet = await Http.CreateRoomAsync(alice);
        (await Http.SendMatrixAsync(HttpMethod.Put, GlobalPath(alice, "m.direct"), new JsonObject { ["@bob:test.local"] = new JsonArray(roomId) }, alice.AccessToken)).AssertOk();
        (await Http.SendMatrixAsync(HttpMethod.Put, GlobalPath(alice, "org.example.one"), new { n = 1 }, alice.AccessToken)).AssertOk();
        (await Http.SendMatrixAsync(HttpMethod.Put, RoomPath(alice, roomId, "org.example.room"), new { n = 1 }, alice.AccessToken)).AssertOk();

        var initial = await Http.SyncAsync(alice);
        var global = GlobalEvents(initial);
        Assert.Contains(global, e => (string?)e["type"] == "m.push_rules");
        Assert.Equal(roomId, (string?)global.Single(e => (string?)e["type"] == "m.direct")["content"]!["@bob:test.local"]![0]);
        Assert.Equal(1, (int)global.Single(e => (string?)e["type"] == "org.example.one")["content"]!["n"]!);
        Assert.Equal("org.example.room", (string?)Assert.Single(RoomEvents(initial, roomId))["type"]);
        Assert.Empty(RoomEvents(initial, quiet));

        // Nothing changed: an incremental sync repeats none of it.
        var since = (string)initial["next_batch"]!;
        var idle = await Http.SyncAsync(alice, since);
        Assert.Empty(GlobalEvents(idle));
        Assert.Null(idle["rooms"]!["join"]![roomId]);

        // A change of one room's data brings that room (with no new timeline event) and only that type.
        (await Http.SendMatrixAsync(HttpMethod.Put, RoomPath(alice, roomId, "org.example.room"), new { n = 2 }, alice.AccessToken)).AssertOk();
        var next = await Http.SyncAsync(alice, since);
        Assert.Empty(GlobalEvents(next));
        var changed = Assert.Single(RoomEvents(next, roomId));
        Assert.Equal(2, (int)changed["content"]!["n"]!);
        Assert.Empty(next.Timeline(roomId));
        Assert.Null(next["rooms"]!["join"]![quiet]);
    }

    [Fact]
    public async Task A_waiting_sync_wakes_when_account_data_changes()
    {
        var alice = await Http.RegisterAsync();
        var since = (string)(await Http.SyncAsync(alice))["next_batch"]!;
        var waiting = Http.SyncAsync(alice, since, timeoutMs: 20000);
        await Task.Delay(100); // let the request start waiting; a change before that is found by its first look anyway
        var started = DateTime.UtcNow;
        (await Http.SendMatrixAsync(HttpMethod.Put, GlobalPath(alice, "org.example.wake"), new { now = true }, alice.AccessToken)).AssertOk();

        var woken = await waiting;
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
        Assert.Equal("org.example.wake", (string?)Assert.Single(GlobalEvents(woken))["type"]);
    }
}

public sealed class SqliteAccountDataTests(SqliteServer server) : AccountDataTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresAccountDataTests(PostgresServer server) : AccountDataTests(server), IClassFixture<PostgresServer>;
