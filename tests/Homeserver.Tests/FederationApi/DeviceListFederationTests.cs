using System.Text.Json.Nodes;
using Messenger.Federation.Client;
using Messenger.Federation.Protocol.Keys;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>
/// Device lists across two real servers ("Device Management", "Tracking the device list for a user"): Bob of B shares
/// a room with Alice of A. Bob's new device, its deletion and his cross-signing keys reach A as
/// <c>m.device_list_update</c> / <c>m.signing_key_update</c> EDUs: Alice sees @bob in <c>device_lists.changed</c> and
/// A answers <c>/keys/query</c> from its cache (shown by B refusing A's requests meanwhile). An update whose
/// <c>prev_id</c> A never saw makes A resync the whole list from B (in the background); EDUs about users not of the
/// sending server are ignored.
/// </summary>
public abstract class DeviceListFederationTests(FederatingPair pair)
{
    private const string V3 = MatrixTestClient.V3;

    /// <summary>Alice (A) and Bob (B, as a key-less first device) in one room; Alice holds a sync token from after the join.</summary>
    private async Task<(CryptoDevice Alice, Session Bob, string Since)> SharedAsync()
    {
        var alice = await pair.A.Client.NewCryptoDeviceAsync();
        var roomId = await pair.A.Client.CreateRoomAsync(alice.Session, new { preset = "public_chat" });
        var bob = await pair.B.Client.RegisterAsync();
        await SharedRooms.JoinAsync(pair.B, bob, roomId, pair.A.ServerName);
        return (alice, bob, await pair.A.Client.NextBatchAsync(alice.Session));
    }

    private static bool Changed(JsonObject sync, string userId) =>
        sync["device_lists"]?["changed"] is JsonArray changed && changed.Any(u => (string?)u == userId);

    /// <summary>Syncs Alice until @bob is in <c>device_lists.changed</c> and <paramref name="held"/> holds for A's cache; returns the next token.</summary>
    private async Task<string> AwaitChangeAsync(CryptoDevice alice, string since, string bobId, Func<RemoteCache, bool> held)
    {
        var deadline = DateTime.UtcNow + SyncWaiter.DefaultPatience;
        while (true)
        {
            var sync = await pair.A.Client.SyncUntilAsync(alice.Session, since, s => Changed(s, bobId));
            since = (string)sync["next_batch"]!;
            if (held(await CacheAsync(pair.A, bobId))) return since;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("A's cache never reached the expected state");
        }
    }

    internal sealed record RemoteCache(long? StreamId, string? Master, Dictionary<string, string?> Devices, bool Stale);

    internal static async Task<RemoteCache> CacheAsync(FederatingServer server, string userId)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HomeserverDbContext>();
        // One snapshot for both reads: a resync committing between them showed its devices with no list (no stream id).
        await using var snapshot = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.Serializable);
        var list = await db.RemoteDeviceLists.AsNoTracking().SingleOrDefaultAsync(l => l.UserId == userId);
        var devices = await db.RemoteDevices.AsNoTracking().Where(d => d.UserId == userId).ToDictionaryAsync(d => d.DeviceId, d => d.KeysJson);
        return new RemoteCache(list?.StreamId, list?.MasterKeyJson, devices, list?.Stale ?? false);
    }

    /// <summary>Reads <paramref name="server"/>'s cache of the user until <paramref name="held"/> holds (background work reaches it).</summary>
    internal static async Task<RemoteCache> AwaitCacheAsync(FederatingServer server, string userId, Func<RemoteCache, bool> held)
    {
        var deadline = DateTime.UtcNow + SyncWaiter.DefaultPatience;
        while (true)
        {
            var cache = await CacheAsync(server, userId);
            if (held(cache)) return cache;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the cache never reached the expected state");
            await Task.Delay(50);
        }
    }

    /// <summary>Alice's /keys/query for Bob while B refuses every request of A: only A's cache can answer.</summary>
    private async Task<JsonObject> QueryWithoutBAsync(CryptoDevice alice, string bobId)
    {
        pair.B.Partition.Refuse(pair.A.ServerName);
        try
        {
            var answer = await pair.A.Client.QueryKeysAsync(alice, bobId);
            Assert.Null(answer["failures"]![pair.B.ServerName]);
            return answer;
        }
        finally
        {
            pair.B.Partition.Heal();
        }
    }

    [Fact]
    public async Task A_remote_users_new_device_is_changed_for_local_roommates_and_answered_from_the_cache()
    {
        var (alice, bob, since) = await SharedAsync();
        using var phone = await pair.B.Client.NewCryptoDeviceAsync(bob);
        await pair.B.Client.PublishAsync(phone);

        await AwaitChangeAsync(alice, since, bob.UserId, c => c.Devices.GetValueOrDefault(phone.DeviceId) is not null);

        var answer = await QueryWithoutBAsync(alice, bob.UserId);
        var device = answer["device_keys"]![bob.UserId]![phone.DeviceId]!;
        Assert.Equal(phone.Curve25519, (string?)device["keys"]!["curve25519:" + phone.DeviceId]);
        Assert.NotNull(device["signatures"]![bob.UserId]!["ed25519:" + phone.DeviceId]);
        var changes = (await pair.A.Client.GetMatrixAsync($"{V3}/keys/changes?from={since}&to={await pair.A.Client.NextBatchAsync(alice.Session)}",
            alice.Token)).AssertOk().Body;
        Assert.Contains(bob.UserId, changes["changed"]!.AsArray().Select(u => (string?)u));
    }

    [Fact]
    public async Task A_deleted_remote_device_leaves_the_cache_and_the_key_query()
    {
        var (alice, bob, since) = await SharedAsync();
        using var phone = await pair.B.Client.NewCryptoDeviceAsync(bob);
        await pair.B.Client.PublishAsync(phone);
        since = await AwaitChangeAsync(alice, since, bob.UserId, c => c.Devices.ContainsKey(phone.DeviceId));

        (await pair.B.Client.SendMatrixAsync(HttpMethod.Delete, $"{V3}/devices/{phone.DeviceId}",
            new JsonObject { ["auth"] = MatrixTestClient.PasswordAuth(bob) }, bob.AccessToken)).AssertOk();

        await AwaitChangeAsync(alice, since, bob.UserId, c => !c.Devices.ContainsKey(phone.DeviceId));
        var answer = await QueryWithoutBAsync(alice, bob.UserId);
        Assert.Null(answer["device_keys"]![bob.UserId]![phone.DeviceId]);
    }

    [Fact]
    public async Task Cross_signing_keys_uploaded_on_B_reach_As_cache()
    {
        var (alice, bob, since) = await SharedAsync();
        using var phone = await pair.B.Client.NewCryptoDeviceAsync(bob);
        await pair.B.Client.PublishAsync(phone);
        since = await AwaitChangeAsync(alice, since, bob.UserId, c => c.Devices.ContainsKey(phone.DeviceId));

        using var master = CryptoDevice.NewCrossSigningKey();
        using var selfSigning = CryptoDevice.NewCrossSigningKey();
        (await pair.B.Client.PostMatrixAsync(V3 + "/keys/device_signing/upload", new JsonObject
        {
            ["master_key"] = phone.CrossSigningKey(master, "master"),
            ["self_signing_key"] = phone.CrossSigningKey(selfSigning, "self_signing", master),
        }, phone.Token)).AssertOk();

        await AwaitChangeAsync(alice, since, bob.UserId, c => c.Master is { } m
            && (string?)JsonNode.Parse(m)!["keys"]!["ed25519:" + master.PublicKeyBase64] == master.PublicKeyBase64);
        var answer = await QueryWithoutBAsync(alice, bob.UserId);
        Assert.Equal(master.PublicKeyBase64, (string?)answer["master_keys"]![bob.UserId]!["keys"]!["ed25519:" + master.PublicKeyBase64]);
        Assert.Equal(selfSigning.PublicKeyBase64, (string?)answer["self_signing_keys"]![bob.UserId]!["keys"]!["ed25519:" + selfSigning.PublicKeyBase64]);
    }

    [Fact]
    public async Task An_update_after_a_gap_in_prev_id_makes_A_resync_and_one_without_a_gap_is_applied()
    {
        var (alice, bob, since) = await SharedAsync();
        using var phone = await pair.B.Client.NewCryptoDeviceAsync(bob);
        await pair.B.Client.PublishAsync(phone);
        since = await AwaitChangeAsync(alice, since, bob.UserId, c => c.Devices.ContainsKey(phone.DeviceId));
        var held = (await CacheAsync(pair.A, bob.UserId)).StreamId!.Value;

        // prev_id names an update A never received: A must fetch the list again, which has no such device.
        await SendEduAsync("m.device_list_update", new JsonObject
        {
            ["user_id"] = bob.UserId, ["device_id"] = "GAPDEVICE", ["stream_id"] = held + 1_000_001, ["prev_id"] = new JsonArray(held + 1_000_000),
            ["deleted"] = false,
        });
        var resynced = await AwaitCacheAsync(pair.A, bob.UserId, c => !c.Stale);
        Assert.False(resynced.Devices.ContainsKey("GAPDEVICE"));
        Assert.Equal(held, resynced.StreamId);
        Assert.True(resynced.Devices.ContainsKey(phone.DeviceId));

        // The same kind of update following what A holds is applied as it stands.
        await SendEduAsync("m.device_list_update", new JsonObject
        {
            ["user_id"] = bob.UserId, ["device_id"] = "NEXTDEVICE", ["stream_id"] = held + 1, ["prev_id"] = new JsonArray(held), ["deleted"] = false,
            ["device_display_name"] = "next",
        });
        var applied = await CacheAsync(pair.A, bob.UserId);
        Assert.True(applied.Devices.ContainsKey("NEXTDEVICE"));
        Assert.Equal(held + 1, applied.StreamId);
    }

    [Fact]
    public async Task Device_list_and_signing_key_updates_about_users_not_of_the_origin_are_ignored()
    {
        var (alice, bob, _) = await SharedAsync();
        using var master = CryptoDevice.NewCrossSigningKey();
        // B speaks for Alice, a user of A, and for a user of its own who shares no room with A.
        await SendEduAsync("m.device_list_update", new JsonObject
        {
            ["user_id"] = alice.UserId, ["device_id"] = "FORGED", ["stream_id"] = 5, ["prev_id"] = new JsonArray(), ["deleted"] = false,
        });
        await SendEduAsync("m.signing_key_update", new JsonObject
        {
            ["user_id"] = alice.UserId,
            ["master_key"] = new JsonObject { ["user_id"] = alice.UserId, ["usage"] = new JsonArray("master"), ["keys"] = new JsonObject { ["ed25519:" + master.PublicKeyBase64] = master.PublicKeyBase64 } },
        });
        var stranger = $"@stranger:{pair.B.ServerName}";
        await SendEduAsync("m.device_list_update", new JsonObject
        {
            ["user_id"] = stranger, ["device_id"] = "STRANGER", ["stream_id"] = 5, ["prev_id"] = new JsonArray(), ["deleted"] = false,
        });

        foreach (var user in new[] { alice.UserId, stranger })
        {
            var cache = await CacheAsync(pair.A, user);
            Assert.Null(cache.StreamId);
            Assert.Empty(cache.Devices);
        }
        var answer = await pair.A.Client.QueryKeysAsync(alice, alice.UserId);
        Assert.Null(answer["master_keys"]![alice.UserId]);
        Assert.Null(answer["device_keys"]![alice.UserId]!["FORGED"]);

        // The same update about a user of B who shares the room is taken (A fetches Bob's list), so the above were refused for their user.
        await SendEduAsync("m.device_list_update", new JsonObject
        {
            ["user_id"] = bob.UserId, ["device_id"] = "ANY", ["stream_id"] = 5, ["prev_id"] = new JsonArray(), ["deleted"] = false,
        });
        Assert.NotNull((await CacheAsync(pair.A, bob.UserId)).StreamId);
    }

    /// <summary>B pushes one EDU to A in a transaction of its own, as its sender would.</summary>
    private async Task SendEduAsync(string type, JsonObject content)
    {
        var body = new JsonObject
        {
            ["origin"] = pair.B.ServerName,
            ["origin_server_ts"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ["pdus"] = new JsonArray(),
            ["edus"] = new JsonArray(new JsonObject { ["edu_type"] = type, ["content"] = content }),
        };
        var client = pair.B.Services.GetRequiredService<IFederationClient>();
        await client.PutJsonAsync(pair.A.ServerName, "/_matrix/federation/v1/send/test-" + Guid.NewGuid().ToString("N"), body, CancellationToken.None,
            FederationCallOptions.NoRetry);
    }
}

public sealed class SqliteDeviceListFederationTests(SqliteFederatingPair pair) : DeviceListFederationTests(pair), IClassFixture<SqliteFederatingPair>;

public sealed class PostgresDeviceListFederationTests(PostgresFederatingPair pair) : DeviceListFederationTests(pair), IClassFixture<PostgresFederatingPair>;
