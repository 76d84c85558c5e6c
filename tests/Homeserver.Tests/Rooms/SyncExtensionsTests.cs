using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Rooms;

/// <summary>What sync carries besides rooms: to-device messages, device list changes, key counts; forgotten rooms stay away.</summary>
public abstract class SyncExtensionsTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private async Task SendToDeviceAsync(Session from, Session to, int count, string prefix)
    {
        var messages = new JsonObject();
        for (var i = 0; i < count; i++)
        {
            var txn = $"{prefix}-{i}";
            var body = new JsonObject { ["messages"] = new JsonObject { [to.UserId] = new JsonObject { [to.DeviceId] = new JsonObject { ["n"] = i } } } };
            (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/sendToDevice/org.example.ping/{txn}", body, from.AccessToken)).AssertOk();
        }
    }

    [Fact]
    public async Task To_device_messages_arrive_in_order_capped_at_100_and_are_not_repeated_after_acknowledgement()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var since = (string)(await Http.SyncAsync(bob))["next_batch"]!;

        await SendToDeviceAsync(alice, bob, 130, "batch");

        var first = await Http.SyncAsync(bob, since, timeoutMs: 5000);
        var firstEvents = first["to_device"]!["events"]!.AsArray();
        Assert.Equal(100, firstEvents.Count);
        Assert.Equal(Enumerable.Range(0, 100), firstEvents.Select(e => (int)e!["content"]!["n"]!));
        Assert.All(firstEvents, e => Assert.Equal(alice.UserId, (string?)e!["sender"]));

        var second = await Http.SyncAsync(bob, (string)first["next_batch"]!);
        Assert.Equal(Enumerable.Range(100, 30), second["to_device"]!["events"]!.AsArray().Select(e => (int)e!["content"]!["n"]!));

        // Syncing again from the same token (the client lost that response) delivers the unacknowledged ones again.
        var replay = await Http.SyncAsync(bob, (string)first["next_batch"]!);
        Assert.Equal(30, replay["to_device"]!["events"]!.AsArray().Count);

        // Using the newer token acknowledges them: they are gone for good.
        var third = await Http.SyncAsync(bob, (string)second["next_batch"]!);
        Assert.Empty(third["to_device"]!["events"]!.AsArray());
        Assert.Empty((await Http.SyncAsync(bob, (string)first["next_batch"]!))["to_device"]!["events"]!.AsArray());
    }

    [Fact]
    public async Task A_to_device_message_wakes_a_waiting_sync()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var since = (string)(await Http.SyncAsync(bob))["next_batch"]!;
        var waiting = Http.SyncAsync(bob, since, timeoutMs: 20_000);
        await Task.Delay(200);
        await SendToDeviceAsync(alice, bob, 1, "wake");
        var woken = await waiting.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Single(woken["to_device"]!["events"]!.AsArray());
    }

    [Fact]
    public async Task Device_changes_of_a_room_mate_show_in_device_lists_and_key_counts_are_present()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.RoomPostAsync(bob, roomId, "join", new { })).AssertOk();
        var initial = await Http.SyncAsync(alice);
        Assert.NotNull(initial["device_one_time_keys_count"]);
        var since = (string)initial["next_batch"]!;

        var second = await Http.LoginAsync(bob.UserId, bob.Password);
        (await Http.SendMatrixAsync(HttpMethod.Delete, $"{V3}/devices/{second.DeviceId}", new JsonObject { ["auth"] = PasswordAuth(bob) }, bob.AccessToken)).AssertOk();

        var sync = await Http.SyncAsync(alice, since, timeoutMs: 5000);
        Assert.Contains(bob.UserId, sync["device_lists"]!["changed"]!.AsArray().Select(u => (string)u!));
    }

    [Fact]
    public async Task A_knock_shows_in_the_knock_section_with_stripped_state()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { room_version = "11", name = "Knock here", initial_state = new[] { new { type = "m.room.join_rules", content = new { join_rule = "knock" } } } });
        var since = (string)(await Http.SyncAsync(bob))["next_batch"]!;

        (await Http.PostMatrixAsync($"{V3}/knock/{Uri.EscapeDataString(roomId)}", new { reason = "let me in" }, bob.AccessToken)).AssertOk();

        var sync = await Http.SyncAsync(bob, since, timeoutMs: 5000);
        var state = sync["rooms"]!["knock"]![roomId]!["knock_state"]!["events"]!.AsArray();
        Assert.Contains(state, e => (string?)e!["type"] == "m.room.member" && (string?)e["content"]!["membership"] == "knock");
        Assert.Contains(state, e => (string?)e!["type"] == "m.room.name");
    }

    [Fact]
    public async Task Unread_counts_follow_push_rules_and_a_mention_highlights()
    {
        var alice = await Http.RegisterAsync(NewUsername("alice"));
        var bob = await Http.RegisterAsync(NewUsername("bob"));
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.RoomPostAsync(bob, roomId, "join", new { })).AssertOk();
        (await Http.RoomPostAsync(alice, roomId, "invite", new { user_id = (await Http.RegisterAsync()).UserId })).AssertOk();
        var bobName = bob.UserId[1..bob.UserId.IndexOf(':')];

        await Http.SendTextAsync(alice, roomId, "hello everyone");
        // Intentional mentions (m.mentions, ".m.rule.is_user_mention"): the spec's default rules no longer match names in the body.
        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/rooms/{roomId}/send/m.room.message/mention",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = $"hey {bobName}, look", ["m.mentions"] = new JsonObject { ["user_ids"] = new JsonArray(bob.UserId) } },
            alice.AccessToken)).AssertOk();

        var counts = (await Http.SyncAsync(bob))["rooms"]!["join"]![roomId]!["unread_notifications"]!;
        Assert.Equal(2, (int)counts["notification_count"]!);
        Assert.Equal(1, (int)counts["highlight_count"]!);
        var own = (await Http.SyncAsync(alice))["rooms"]!["join"]![roomId]!["unread_notifications"]!;
        Assert.Equal(0, (int)own["notification_count"]!);
    }

    [Fact]
    public async Task Push_rules_come_as_account_data_initially_and_after_a_change()
    {
        var alice = await Http.RegisterAsync();
        var initial = await Http.SyncAsync(alice);
        var rules = Assert.Single(initial["account_data"]!["events"]!.AsArray(), e => (string?)e!["type"] == "m.push_rules");
        Assert.NotNull(rules!["content"]!["global"]!["override"]);

        var since = (string)initial["next_batch"]!;
        Assert.Empty((await Http.SyncAsync(alice, since))["account_data"]!["events"]!.AsArray());

        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/pushrules/global/room/{Uri.EscapeDataString("!some:test.local")}",
            new { actions = new[] { "dont_notify" } }, alice.AccessToken)).AssertOk();
        var changed = await Http.SyncAsync(alice, since, timeoutMs: 5000);
        Assert.Contains(changed["account_data"]!["events"]!.AsArray(), e => (string?)e!["type"] == "m.push_rules");
    }

    [Fact]
    public async Task A_forgotten_room_is_not_listed_even_with_include_leave()
    {
        var alice = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice);
        (await Http.RoomPostAsync(alice, roomId, "leave", new { })).AssertOk();
        const string includeLeave = "{\"room\":{\"include_leave\":true}}";
        Assert.True((await Http.SyncAsync(alice, filter: includeLeave))["rooms"]!["leave"]!.AsObject().ContainsKey(roomId));

        (await Http.RoomPostAsync(alice, roomId, "forget", new { })).AssertOk();

        Assert.False((await Http.SyncAsync(alice, filter: includeLeave))["rooms"]!["leave"]!.AsObject().ContainsKey(roomId));
    }
}

public sealed class SqliteSyncExtensionsTests(SqliteServer server) : SyncExtensionsTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresSyncExtensionsTests(PostgresServer server) : SyncExtensionsTests(server), IClassFixture<PostgresServer>;
