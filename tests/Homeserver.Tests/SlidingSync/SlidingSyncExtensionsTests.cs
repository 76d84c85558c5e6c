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
}

public sealed class SqliteSlidingSyncExtensionsTests(SqliteServer server) : SlidingSyncExtensionsTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresSlidingSyncExtensionsTests(PostgresServer server) : SlidingSyncExtensionsTests(server), IClassFixture<PostgresServer>;
