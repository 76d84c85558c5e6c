using System.Diagnostics;
using System.Text.Json.Nodes;
using Messenger.Federation.Client;
using Messenger.Homeserver.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Messenger.Homeserver.Tests.FederationApi.DeviceListFederationTests;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>
/// Remote device lists follow who shares a room ("Device Management"; "Tracking the device list for a user": clients
/// must re-query users they newly share a room with, and stop tracking those they share none with). Bob of B starting
/// to share a room with Alice of A is in her <c>device_lists.changed</c>, her key query reaches B and A caches his list
/// from then on; when no room is shared any more A drops the cache, Alice sees him in <c>device_lists.left</c>, and B's
/// updates about him are ignored until a room is shared again. A resync through <c>/user/devices</c> never holds up
/// B's <c>/send</c>: the list is stale meanwhile (queries go to B) and filled once B answers.
/// </summary>
public abstract class DeviceListSharingTests(FederatingPair pair)
{
    private const string DevicesPath = "/_matrix/federation/v1/user/devices/";

    private static bool Lists(JsonObject sync, string section, string userId) =>
        sync["device_lists"]?[section] is JsonArray users && users.Any(u => (string?)u == userId);

    /// <summary>Bob of B, with a published device, joins Alice's room on A; returns her token from before the join.</summary>
    private async Task<(CryptoDevice Alice, CryptoDevice Bob, string RoomId, string Since)> BobJoinsAsync()
    {
        var alice = await pair.A.Client.NewCryptoDeviceAsync();
        var roomId = await pair.A.Client.CreateRoomAsync(alice.Session, new { preset = "public_chat" });
        var since = await pair.A.Client.NextBatchAsync(alice.Session);
        var bob = await pair.B.Client.NewCryptoDeviceAsync();
        (await pair.B.Client.PublishAsync(bob)).AssertOk();
        await SharedRooms.JoinAsync(pair.B, bob.Session, roomId, pair.A.ServerName);
        return (alice, bob, roomId, since);
    }

    [Fact]
    public async Task A_remote_user_newly_sharing_a_room_is_changed_for_roommates_queried_at_his_server_then_cached()
    {
        var (alice, bob, _, since) = await BobJoinsAsync();
        await pair.A.Client.SyncUntilAsync(alice.Session, since, s => Lists(s, "changed", bob.UserId));
        Assert.Null((await CacheAsync(pair.A, bob.UserId)).StreamId);

        // A holds nothing of Bob yet: B answers, and A fetches his whole list in the background.
        var answer = await pair.A.Client.QueryKeysAsync(alice, bob.UserId);
        Assert.Equal(bob.Curve25519, (string?)answer["device_keys"]![bob.UserId]![bob.DeviceId]!["keys"]!["curve25519:" + bob.DeviceId]);
        await AwaitCacheAsync(pair.A, bob.UserId, c => !c.Stale && c.Devices.ContainsKey(bob.DeviceId));

        pair.B.Partition.Refuse(pair.A.ServerName);
        try
        {
            var cached = await pair.A.Client.QueryKeysAsync(alice, bob.UserId);
            Assert.Null(cached["failures"]![pair.B.ServerName]);
            Assert.NotNull(cached["device_keys"]![bob.UserId]![bob.DeviceId]);
        }
        finally
        {
            pair.B.Partition.Heal();
        }
    }

    [Fact]
    public async Task A_device_Alice_adds_right_after_Bob_joined_reaches_B()
    {
        var (alice, bob, _, _) = await BobJoinsAsync();
        var bobSince = await pair.B.Client.NextBatchAsync(bob.Session);
        using var laptop = await pair.A.Client.NewCryptoDeviceAsync(alice.Session);
        (await pair.A.Client.PublishAsync(laptop)).AssertOk();

        await pair.B.Client.SyncUntilAsync(bob.Session, bobSince, s => Lists(s, "changed", alice.UserId));
        await AwaitCacheAsync(pair.B, alice.UserId, c => c.Devices.ContainsKey(laptop.DeviceId));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_cache_is_dropped_when_no_room_is_shared_and_updates_are_ignored_until_one_is_again(bool remoteLeaves)
    {
        var (alice, bob, roomId, since) = await BobJoinsAsync();
        await pair.A.Client.QueryKeysAsync(alice, bob.UserId);
        var held = await AwaitCacheAsync(pair.A, bob.UserId, c => !c.Stale && c.Devices.ContainsKey(bob.DeviceId));
        since = await pair.A.Client.NextBatchAsync(alice.Session);

        var (server, leaver) = remoteLeaves ? (pair.B, bob.Session) : (pair.A, alice.Session);
        (await server.Client.PostMatrixAsync($"{MatrixTestClient.V3}/rooms/{Uri.EscapeDataString(roomId)}/leave", new { }, leaver.AccessToken)).AssertOk();
        await pair.A.Client.SyncUntilAsync(alice.Session, since, s => Lists(s, "left", bob.UserId));
        await AwaitCacheAsync(pair.A, bob.UserId, c => c.StreamId is null && c.Devices.Count == 0);

        // An update following what A held is ignored now: A shares no room with Bob.
        await SendEduAsync(new JsonObject
        {
            ["user_id"] = bob.UserId, ["device_id"] = "AFTERLEAVE", ["stream_id"] = held.StreamId!.Value + 1, ["prev_id"] = new JsonArray(held.StreamId!.Value),
            ["deleted"] = false,
        });
        Assert.Null((await CacheAsync(pair.A, bob.UserId)).StreamId);

        // Sharing a room again: Bob is changed for Alice, and the list is fetched again.
        since = await pair.A.Client.NextBatchAsync(alice.Session);
        var again = await pair.A.Client.CreateRoomAsync(alice.Session, new { preset = "public_chat" });
        await SharedRooms.JoinAsync(pair.B, bob.Session, again, pair.A.ServerName);
        await pair.A.Client.SyncUntilAsync(alice.Session, since, s => Lists(s, "changed", bob.UserId));
        Assert.NotNull((await pair.A.Client.QueryKeysAsync(alice, bob.UserId))["device_keys"]![bob.UserId]![bob.DeviceId]);
        var refetched = await AwaitCacheAsync(pair.A, bob.UserId, c => !c.Stale && c.Devices.ContainsKey(bob.DeviceId));
        Assert.False(refetched.Devices.ContainsKey("AFTERLEAVE"));
    }

    [Fact]
    public async Task A_slow_user_devices_does_not_hold_up_send_the_list_is_stale_meanwhile_and_filled_later()
    {
        var (alice, bob, _, _) = await BobJoinsAsync();
        await pair.A.Client.QueryKeysAsync(alice, bob.UserId);
        var held = await AwaitCacheAsync(pair.A, bob.UserId, c => !c.Stale && c.Devices.ContainsKey(bob.DeviceId));

        using (var stall = pair.B.Partition.Stall(DevicesPath))
        {
            // A gap in prev_id: A must refetch, and B does not answer /user/devices until released.
            var clock = Stopwatch.StartNew();
            await SendEduAsync(new JsonObject
            {
                ["user_id"] = bob.UserId, ["device_id"] = "GAP", ["stream_id"] = held.StreamId!.Value + 50, ["prev_id"] = new JsonArray(held.StreamId!.Value + 49),
                ["deleted"] = false,
            });
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"/send took {clock.Elapsed}");
            Assert.True((await CacheAsync(pair.A, bob.UserId)).Stale);

            // While stale, a key query goes to B (whose /user/keys/query answers).
            var answer = await pair.A.Client.QueryKeysAsync(alice, bob.UserId);
            Assert.NotNull(answer["device_keys"]![bob.UserId]![bob.DeviceId]);
            await stall.Reached.WaitAsync(SyncWaiter.DefaultPatience);
        }
        var filled = await AwaitCacheAsync(pair.A, bob.UserId, c => !c.Stale);
        Assert.Equal(held.StreamId, filled.StreamId);
        Assert.False(filled.Devices.ContainsKey("GAP"));
    }

    [Fact]
    public async Task A_failed_resync_is_retried_with_back_off_until_it_succeeds()
    {
        var (alice, bob, _, _) = await BobJoinsAsync();
        await pair.A.Client.QueryKeysAsync(alice, bob.UserId);
        var held = await AwaitCacheAsync(pair.A, bob.UserId, c => !c.Stale && c.Devices.ContainsKey(bob.DeviceId));

        using (var failing = pair.B.Partition.Fail(DevicesPath))
        {
            await SendEduAsync(new JsonObject
            {
                ["user_id"] = bob.UserId, ["device_id"] = "GAP", ["stream_id"] = held.StreamId!.Value + 50, ["prev_id"] = new JsonArray(held.StreamId!.Value + 49),
                ["deleted"] = false,
            });
            await failing.Reached.WaitAsync(SyncWaiter.DefaultPatience);
            Assert.True((await CacheAsync(pair.A, bob.UserId)).Stale);
        }
        // B answers again: the retry (after 5 s) fills the list without anything else happening.
        var filled = await AwaitCacheAsync(pair.A, bob.UserId, c => !c.Stale);
        Assert.Equal(held.StreamId, filled.StreamId);
    }

    /// <summary>B pushes one <c>m.device_list_update</c> to A in a transaction of its own.</summary>
    private async Task SendEduAsync(JsonObject content)
    {
        var body = new JsonObject
        {
            ["origin"] = pair.B.ServerName,
            ["origin_server_ts"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ["pdus"] = new JsonArray(),
            ["edus"] = new JsonArray(new JsonObject { ["edu_type"] = "m.device_list_update", ["content"] = content }),
        };
        await pair.B.Services.GetRequiredService<IFederationClient>().PutJsonAsync(pair.A.ServerName,
            "/_matrix/federation/v1/send/test-" + Guid.NewGuid().ToString("N"), body, CancellationToken.None, FederationCallOptions.NoRetry);
    }
}

public sealed class SqliteDeviceListSharingTests(SqliteFederatingPair pair) : DeviceListSharingTests(pair), IClassFixture<SqliteFederatingPair>;

public sealed class PostgresDeviceListSharingTests(PostgresFederatingPair pair) : DeviceListSharingTests(pair), IClassFixture<PostgresFederatingPair>;
