using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Rooms;

/// <summary>
/// Sync skips queries when the server's change caches say nothing changed (memberships, account data, receipts, push
/// rules, to-device, device lists, ignored users). Each test first makes the caches warm with an incremental sync that
/// finds nothing, then changes one thing: the next incremental sync must carry it. A cache that hid a change fails here.
/// </summary>
public abstract class SyncChangeCacheTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    /// <summary>An initial sync and an empty incremental one after it: every memo and cache of the user is filled.</summary>
    private async Task<string> WarmAsync(Session user)
    {
        var since = (string)(await Http.SyncAsync(user))["next_batch"]!;
        var empty = await Http.SyncAsync(user, since);
        Assert.Empty(empty["rooms"]!["join"]!.AsObject());
        return (string)empty["next_batch"]!;
    }

    [Fact]
    public async Task Invite_join_and_leave_of_a_warm_user_show_up()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice);
        var since = await WarmAsync(bob);

        (await Http.RoomPostAsync(alice, roomId, "invite", new { user_id = bob.UserId })).AssertOk();
        var invited = await Http.SyncAsync(bob, since);
        Assert.True(invited["rooms"]!["invite"]!.AsObject().ContainsKey(roomId));
        since = (string)(await Http.SyncAsync(bob, (string)invited["next_batch"]!))["next_batch"]!;

        (await Http.RoomPostAsync(bob, roomId, "join", new { })).AssertOk();
        var joined = await Http.SyncAsync(bob, since);
        Assert.True(joined["rooms"]!["join"]!.AsObject().ContainsKey(roomId));
        since = (string)(await Http.SyncAsync(bob, (string)joined["next_batch"]!))["next_batch"]!;

        // The memo of bob's rooms now has the room: a message there must reach him, and a long-poll must watch it.
        var waiting = Http.SyncAsync(bob, since, timeoutMs: 10_000);
        await Task.Delay(200);
        await Http.SendTextAsync(alice, roomId, "hello bob");
        var woken = await waiting;
        Assert.Equal(["hello bob"], woken.Timeline(roomId).Bodies());
        since = (string)woken["next_batch"]!;

        (await Http.RoomPostAsync(alice, roomId, "kick", new { user_id = bob.UserId })).AssertOk();
        var kicked = await Http.SyncAsync(bob, since);
        Assert.True(kicked["rooms"]!["leave"]!.AsObject().ContainsKey(roomId));
    }

    [Fact]
    public async Task Account_data_receipts_and_push_rules_of_a_warm_user_show_up()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.RoomPostAsync(bob, roomId, "join", new { })).AssertOk();
        var eventId = await Http.SendTextAsync(alice, roomId, "read me");
        var since = (string)(await Http.SyncAsync(alice))["next_batch"]!;
        since = (string)(await Http.SyncAsync(alice, since))["next_batch"]!;

        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/user/{Uri.EscapeDataString(alice.UserId)}/account_data/org.example.cache", new { n = 1 }, alice.AccessToken)).AssertOk();
        var accountData = await Http.SyncAsync(alice, since);
        Assert.Contains(accountData["account_data"]!["events"]!.AsArray(), e => (string?)e!["type"] == "org.example.cache");
        since = (string)accountData["next_batch"]!;

        (await Http.RoomPostAsync(bob, roomId, $"receipt/m.read/{Uri.EscapeDataString(eventId)}", new { })).AssertOk();
        var receipts = await Http.SyncAsync(alice, since);
        var ephemeral = receipts["rooms"]!["join"]![roomId]!["ephemeral"]!["events"]!.AsArray();
        Assert.Contains(ephemeral, e => (string?)e!["type"] == "m.receipt" && e["content"]![eventId]!["m.read"]![bob.UserId] is not null);
        since = (string)receipts["next_batch"]!;

        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/pushrules/global/room/{Uri.EscapeDataString(roomId)}", new { actions = Array.Empty<string>() }, alice.AccessToken)).AssertOk();
        var rules = await Http.SyncAsync(alice, since);
        Assert.Contains(rules["account_data"]!["events"]!.AsArray(), e => (string?)e!["type"] == "m.push_rules");
    }

    [Fact]
    public async Task To_device_messages_for_a_warm_device_arrive_once()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var since = await WarmAsync(bob);

        var body = new JsonObject { ["messages"] = new JsonObject { [bob.UserId] = new JsonObject { [bob.DeviceId] = new JsonObject { ["n"] = 1 } } } };
        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/sendToDevice/org.example.ping/{Guid.NewGuid():N}", body, alice.AccessToken)).AssertOk();

        var first = await Http.SyncAsync(bob, since);
        Assert.Single(first["to_device"]!["events"]!.AsArray());
        var second = await Http.SyncAsync(bob, (string)first["next_batch"]!);
        Assert.Empty(second["to_device"]!["events"]!.AsArray());
        var third = await Http.SyncAsync(bob, (string)second["next_batch"]!);
        Assert.Empty(third["to_device"]!["events"]!.AsArray());
    }

    [Fact]
    public async Task Device_list_changes_reach_a_warm_roommate()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var bob = await Http.NewCryptoDeviceAsync();
        using var carol = await Http.NewCryptoDeviceAsync();
        var roomId = await Http.CreateRoomAsync(alice.Session, new { preset = "public_chat" });
        (await Http.RoomPostAsync(bob.Session, roomId, "join", new { })).AssertOk();
        var since = (string)(await Http.SyncAsync(alice.Session))["next_batch"]!;
        since = (string)(await Http.SyncAsync(alice.Session, since))["next_batch"]!;

        await Http.PublishAsync(bob);
        var keys = await Http.SyncAsync(alice.Session, since);
        Assert.Contains(bob.UserId, keys["device_lists"]!["changed"]!.AsArray().Select(u => (string)u!));
        since = (string)(await Http.SyncAsync(alice.Session, (string)keys["next_batch"]!))["next_batch"]!;

        (await Http.RoomPostAsync(carol.Session, roomId, "join", new { })).AssertOk();
        var joined = await Http.SyncAsync(alice.Session, since);
        Assert.Contains(carol.UserId, joined["device_lists"]!["changed"]!.AsArray().Select(u => (string)u!));
    }

    [Fact]
    public async Task Ignoring_a_user_applies_to_the_next_sync_of_a_warm_user()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.RoomPostAsync(bob, roomId, "join", new { })).AssertOk();
        var since = (string)(await Http.SyncAsync(alice))["next_batch"]!;
        since = (string)(await Http.SyncAsync(alice, since))["next_batch"]!;

        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/user/{Uri.EscapeDataString(alice.UserId)}/account_data/m.ignored_user_list",
            new { ignored_users = new JsonObject { [bob.UserId] = new JsonObject() } }, alice.AccessToken)).AssertOk();
        since = (string)(await Http.SyncAsync(alice, since))["next_batch"]!;
        await Http.SendTextAsync(bob, roomId, "ignored");
        await Http.SendTextAsync(alice, roomId, "mine");

        var sync = await Http.SyncAsync(alice, since);
        Assert.Equal(["mine"], sync.Timeline(roomId).Bodies());
    }
}

public sealed class SqliteSyncChangeCacheTests(SqliteServer server) : SyncChangeCacheTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresSyncChangeCacheTests(PostgresServer server) : SyncChangeCacheTests(server), IClassFixture<PostgresServer>;
