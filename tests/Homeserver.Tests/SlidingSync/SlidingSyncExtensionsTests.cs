using System.Diagnostics;
using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;
using static Messenger.Homeserver.Tests.Support.SlidingSyncTestClient;

namespace Messenger.Homeserver.Tests.SlidingSync;

/// <summary>Sliding sync extensions: to-device (MSC3885) and end-to-end encryption (MSC3884).</summary>
public abstract class SlidingSyncExtensionsTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private static JsonObject ToDevice(string? since = null) => new()
    {
        ["to_device"] = since is null ? new JsonObject { ["enabled"] = true } : new JsonObject { ["enabled"] = true, ["since"] = since },
    };

    private static JsonObject E2ee => new() { ["e2ee"] = new JsonObject { ["enabled"] = true } };

    private Task<MatrixResponse> SendToDeviceAsync(CryptoDevice sender, CryptoDevice target, int n) =>
        Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/sendToDevice/m.test/{Guid.NewGuid():N}",
            new JsonObject { ["messages"] = new JsonObject { [target.UserId] = new JsonObject { [target.DeviceId] = new JsonObject { ["n"] = n } } } }, sender.Token);

    [Fact]
    public async Task To_device_messages_arrive_once_and_since_acknowledges_them()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var bob = await Http.NewCryptoDeviceAsync();
        (await SendToDeviceAsync(alice, bob, 1)).AssertOk();

        var first = await Http.SlidingSyncAsync(bob.Session, OneList(extensions: ToDevice()));
        var toDevice = first["extensions"]!["to_device"]!;
        var message = Assert.Single(toDevice["events"]!.AsArray())!;
        Assert.Equal(alice.UserId, (string?)message["sender"]);
        Assert.Equal(1, (int)message["content"]!["n"]!);
        var nextBatch = (string)toDevice["next_batch"]!;

        var watch = Stopwatch.StartNew();
        var waiting = Http.SlidingSyncAsync(bob.Session, OneList(extensions: ToDevice(nextBatch)), (string)first["pos"]!, timeoutMs: 20_000);
        await Task.Delay(200);
        (await SendToDeviceAsync(alice, bob, 2)).AssertOk();
        var second = await waiting;
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), "a to-device message ends the long-poll");
        Assert.Equal([2], second["extensions"]!["to_device"]!["events"]!.AsArray().Select(e => (int)e!["content"]!["n"]!));

        // A new connection starting from the acknowledged batch does not see the first message again.
        var fresh = await Http.SlidingSyncAsync(bob.Session, OneList(extensions: ToDevice((string)second["extensions"]!["to_device"]!["next_batch"]!)));
        Assert.Empty(fresh["extensions"]!["to_device"]!["events"]!.AsArray());
        (await Http.SlidingSyncRawAsync(bob.Session, OneList(extensions: ToDevice("not-a-token")))).AssertError(400, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task E2ee_reports_key_counts_and_device_list_changes_of_users_sharing_a_room()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var bob = await Http.NewCryptoDeviceAsync();
        await Http.PublishAsync(bob, oneTimeKeys: 3);
        var roomId = await Http.CreateRoomAsync(alice.Session, new { preset = "public_chat" });
        (await Http.RoomPostAsync(bob.Session, roomId, "join", new { })).AssertOk();

        var first = await Http.SlidingSyncAsync(bob.Session, OneList(extensions: E2ee));
        var e2ee = first["extensions"]!["e2ee"]!;
        Assert.Equal(3, (int)e2ee["device_one_time_keys_count"]!["signed_curve25519"]!);
        Assert.NotNull(e2ee["device_unused_fallback_key_types"]!.AsArray());

        var waiting = Http.SlidingSyncAsync(bob.Session, OneList(extensions: E2ee), (string)first["pos"]!, timeoutMs: 20_000);
        await Task.Delay(200);
        await Http.PublishAsync(alice);
        var changed = await waiting;
        Assert.Contains(alice.UserId, changed["extensions"]!["e2ee"]!["device_lists"]!["changed"]!.AsArray().Select(u => (string?)u));

        var without = await Http.SlidingSyncAsync(bob.Session, OneList());
        Assert.Null(without["extensions"]!["e2ee"]);
        Assert.Null(without["extensions"]!["to_device"]);
    }

    private Task<MatrixResponse> PutAsync(Session session, string path, object body) => Http.SendMatrixAsync(HttpMethod.Put, V3 + path, body, session.AccessToken);

    [Fact]
    public async Task Account_data_receipts_and_typing_come_for_matched_rooms_first_in_full_then_as_changes()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        var outside = await Http.CreateRoomAsync(alice);
        (await Http.RoomPostAsync(bob, roomId, "join", new { })).AssertOk();
        var eventId = await Http.SendTextAsync(bob, roomId, "read me");
        (await Http.RoomPostAsync(bob, roomId, $"receipt/m.read/{Uri.EscapeDataString(eventId)}", new { })).AssertOk();
        (await PutAsync(alice, $"/user/{Uri.EscapeDataString(alice.UserId)}/account_data/org.example.global", new { n = 1 })).AssertOk();
        (await PutAsync(alice, $"/user/{Uri.EscapeDataString(alice.UserId)}/rooms/{Uri.EscapeDataString(roomId)}/account_data/org.example.room", new { n = 2 })).AssertOk();
        (await PutAsync(alice, $"/user/{Uri.EscapeDataString(alice.UserId)}/rooms/{Uri.EscapeDataString(outside)}/account_data/org.example.room", new { n = 3 })).AssertOk();
        var extensions = new JsonObject
        {
            ["account_data"] = new JsonObject { ["enabled"] = true },
            ["receipts"] = new JsonObject { ["enabled"] = true },
            ["typing"] = new JsonObject { ["enabled"] = true },
        };
        // Only the most recent room is in range: the other room's account data stays out.
        var body = OneList(ranges: new JsonArray(new JsonArray(0, 0)), extensions: extensions);

        var first = await Http.SlidingSyncAsync(alice, body);
        Assert.Equal([roomId], first.RoomIds());
        var ext = first["extensions"]!;
        Assert.Contains(ext["account_data"]!["global"]!.AsArray(), e => (string?)e!["type"] == "org.example.global");
        Assert.Equal(2, (int)ext["account_data"]!["rooms"]![roomId]![0]!["content"]!["n"]!);
        Assert.Null(ext["account_data"]!["rooms"]![outside]);
        Assert.NotNull(ext["receipts"]!["rooms"]![roomId]!["content"]![eventId]!["m.read"]![bob.UserId]);
        Assert.Empty(ext["typing"]!["rooms"]!.AsObject());

        var waiting = Http.SlidingSyncAsync(alice, body, (string)first["pos"]!, timeoutMs: 20_000);
        await Task.Delay(200);
        (await PutAsync(bob, $"/rooms/{Uri.EscapeDataString(roomId)}/typing/{Uri.EscapeDataString(bob.UserId)}", new { typing = true, timeout = 30000 })).AssertOk();
        var typing = await waiting;
        Assert.Equal([bob.UserId], typing["extensions"]!["typing"]!["rooms"]![roomId]!["content"]!["user_ids"]!.AsArray().Select(u => (string?)u));
        Assert.Empty(typing["extensions"]!["receipts"]!["rooms"]!.AsObject());
        Assert.Empty(typing["extensions"]!["account_data"]!["global"]!.AsArray());

        // An extension narrowed to no list covers no list room.
        var narrow = new JsonObject { ["receipts"] = new JsonObject { ["enabled"] = true, ["lists"] = new JsonArray() } };
        var narrowed = await Http.SlidingSyncAsync(alice, OneList(ranges: new JsonArray(new JsonArray(0, 0)), extensions: narrow));
        Assert.Empty(narrowed["extensions"]!["receipts"]!["rooms"]!.AsObject());
    }

    [Fact]
    public async Task Direct_messages_come_from_m_direct_tags_filter_lists_and_ignored_users_stay_out()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var mallory = await Http.RegisterAsync();
        var direct = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        var tagged = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        var ignoredInvite = await Http.CreateRoomAsync(mallory, new { invite = new[] { alice.UserId } });
        (await Http.RoomPostAsync(bob, direct, "join", new { })).AssertOk();
        (await Http.RoomPostAsync(mallory, direct, "join", new { })).AssertOk();
        await Http.SendTextAsync(mallory, direct, "spam");
        var me = Uri.EscapeDataString(alice.UserId);
        (await PutAsync(alice, $"/user/{me}/account_data/m.direct", new JsonObject { [bob.UserId] = new JsonArray(direct) })).AssertOk();
        (await PutAsync(alice, $"/user/{me}/rooms/{Uri.EscapeDataString(tagged)}/tags/m.favourite", new { order = 0.5 })).AssertOk();
        (await PutAsync(alice, $"/user/{me}/account_data/m.ignored_user_list", new JsonObject { ["ignored_users"] = new JsonObject { [mallory.UserId] = new JsonObject() } })).AssertOk();

        var dms = await Http.SlidingSyncAsync(alice, OneList(timelineLimit: 5, filters: new JsonObject { ["is_dm"] = true }));
        Assert.Equal([direct], dms.RoomIds());
        Assert.True((bool)dms.Room(direct)!["is_dm"]!);
        Assert.DoesNotContain("spam", dms.Room(direct)!.SlidingTimeline().Bodies());
        Assert.Equal([tagged], (await Http.SlidingSyncAsync(alice, OneList(filters: new JsonObject { ["tags"] = new JsonArray("m.favourite") }))).RoomIds());
        var rest = await Http.SlidingSyncAsync(alice, OneList(filters: new JsonObject { ["not_tags"] = new JsonArray("m.favourite") }));
        Assert.Equal([direct], rest.RoomIds());
        Assert.DoesNotContain(ignoredInvite, rest.RoomIds());
    }
}

public sealed class SqliteSlidingSyncExtensionsTests(SqliteServer server) : SlidingSyncExtensionsTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresSlidingSyncExtensionsTests(PostgresServer server) : SlidingSyncExtensionsTests(server), IClassFixture<PostgresServer>;
