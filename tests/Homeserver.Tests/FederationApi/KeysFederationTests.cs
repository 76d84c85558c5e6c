using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Keys;
using Messenger.Homeserver.Tests.Support;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>
/// Client <c>/keys/query</c> and <c>/keys/claim</c> for users of another server between two real servers
/// (Server-Server API "End-to-End Encryption": <c>/user/keys/query</c>, <c>/user/keys/claim</c>): the device keys and
/// the master and self-signing keys of a remote user (never the user-signing key), a one-time key claimed exactly
/// once, and a server that cannot be reached listed in <c>failures</c> while the others answer.
/// </summary>
public abstract class KeysFederationTests(FederatingPair pair)
{
    private const string V3 = MatrixTestClient.V3;
    private const string Nowhere = "nowhere.fed.test";

    private static async Task UploadCrossSigningAsync(HttpClient http, CryptoDevice device, ServerSigningKey master)
    {
        using var selfSigning = CryptoDevice.NewCrossSigningKey();
        using var userSigning = CryptoDevice.NewCrossSigningKey();
        (await http.PostMatrixAsync(V3 + "/keys/device_signing/upload", new JsonObject
        {
            ["master_key"] = device.CrossSigningKey(master, "master"),
            ["self_signing_key"] = device.CrossSigningKey(selfSigning, "self_signing", master),
            ["user_signing_key"] = device.CrossSigningKey(userSigning, "user_signing", master),
        }, device.Token)).AssertOk();
    }

    [Fact]
    public async Task A_remote_users_device_and_cross_signing_keys_are_queried_from_their_server()
    {
        using var alice = await pair.A.Client.NewCryptoDeviceAsync();
        using var bob = await pair.B.Client.NewCryptoDeviceAsync();
        using var master = CryptoDevice.NewCrossSigningKey();
        await pair.A.Client.PublishAsync(alice);
        await UploadCrossSigningAsync(pair.A.Client, alice, master);

        var answer = (await pair.B.Client.PostMatrixAsync(V3 + "/keys/query", new JsonObject
        {
            ["device_keys"] = new JsonObject { [alice.UserId] = new JsonArray(), [$"@carol:{Nowhere}"] = new JsonArray() },
            ["timeout"] = 5000,
        }, bob.Token)).AssertOk().Body;

        var device = answer["device_keys"]![alice.UserId]![alice.DeviceId]!;
        Assert.Equal(alice.Curve25519, (string?)device["keys"]!["curve25519:" + alice.DeviceId]);
        Assert.NotNull(device["signatures"]![alice.UserId]!["ed25519:" + alice.DeviceId]);
        Assert.Equal(master.PublicKeyBase64, (string?)answer["master_keys"]![alice.UserId]!["keys"]!["ed25519:" + master.PublicKeyBase64]);
        Assert.NotNull(answer["self_signing_keys"]![alice.UserId]);
        Assert.Null(answer["user_signing_keys"]![alice.UserId]);
        Assert.NotNull(answer["failures"]![Nowhere]);
        Assert.Null(answer["failures"]![pair.A.ServerName]);
    }

    [Fact]
    public async Task A_remote_one_time_key_is_claimed_once_then_the_fallback_key()
    {
        using var alice = await pair.A.Client.NewCryptoDeviceAsync();
        using var bob = await pair.B.Client.NewCryptoDeviceAsync();
        await pair.A.Client.PublishAsync(alice, oneTimeKeys: 1);
        (await pair.A.Client.UploadKeysAsync(alice, new JsonObject
        {
            ["fallback_keys"] = new JsonObject { ["signed_curve25519:fb"] = alice.SignedKey(fallback: true) },
        })).AssertOk();
        // Alice's sync reads her counts before the claims, so that the claims over federation must replace what it read.
        var before = await pair.A.Client.SyncAsync(alice.Session);
        Assert.Equal(1, (int)before["device_one_time_keys_count"]!["signed_curve25519"]!);
        Assert.Equal(["signed_curve25519"], before["device_unused_fallback_key_types"]!.AsArray().Select(t => (string)t!));

        var first = (await pair.B.Client.ClaimAsync(bob, alice.UserId, alice.DeviceId)).AssertOk().Body;
        var oneTime = first["one_time_keys"]![alice.UserId]![alice.DeviceId]!.AsObject().Single();
        Assert.StartsWith("signed_curve25519:", oneTime.Key, StringComparison.Ordinal);
        Assert.NotEqual("signed_curve25519:fb", oneTime.Key);
        Assert.NotNull(oneTime.Value!["signatures"]![alice.UserId]);
        Assert.Empty(first["failures"]!.AsObject());

        var second = (await pair.B.Client.ClaimAsync(bob, alice.UserId, alice.DeviceId)).AssertOk().Body;
        Assert.Equal("signed_curve25519:fb", second["one_time_keys"]![alice.UserId]![alice.DeviceId]!.AsObject().Single().Key);
        Assert.Equal(0, await pair.A.Client.OneTimeKeyCountAsync(alice));
        var after = await pair.A.Client.SyncAsync(alice.Session, (string)before["next_batch"]!);
        Assert.Equal(0, (int)after["device_one_time_keys_count"]!["signed_curve25519"]!);
        Assert.Empty(after["device_unused_fallback_key_types"]!.AsArray());
    }

    [Fact]
    public async Task An_unreachable_server_is_a_failure_and_the_reachable_one_still_answers()
    {
        using var alice = await pair.A.Client.NewCryptoDeviceAsync();
        using var bob = await pair.B.Client.NewCryptoDeviceAsync();
        await pair.A.Client.PublishAsync(alice, oneTimeKeys: 1);

        var answer = (await pair.B.Client.PostMatrixAsync(V3 + "/keys/claim", new JsonObject
        {
            ["one_time_keys"] = new JsonObject
            {
                [alice.UserId] = new JsonObject { [alice.DeviceId] = "signed_curve25519" },
                [$"@carol:{Nowhere}"] = new JsonObject { ["CAROL"] = "signed_curve25519" },
            },
            ["timeout"] = 5000,
        }, bob.Token)).AssertOk().Body;

        Assert.Single(answer["one_time_keys"]![alice.UserId]![alice.DeviceId]!.AsObject());
        Assert.IsType<int>((int)answer["failures"]![Nowhere]!["status"]!);
        Assert.Null(answer["one_time_keys"]![$"@carol:{Nowhere}"]);
    }

    /// <summary>Bob's to-device events from his syncs after <paramref name="since"/> until <paramref name="count"/> came (long-polls, 20 s at most), and any that come in one more sync.</summary>
    private async Task<List<JsonObject>> ToDeviceEventsAsync(Session bob, string since, int count)
    {
        var events = new List<JsonObject>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (events.Count < count && DateTime.UtcNow < deadline)
        {
            var sync = await pair.B.Client.SyncAsync(bob, since, timeoutMs: 2000);
            since = (string)sync["next_batch"]!;
            events.AddRange(sync["to_device"]?["events"]?.AsArray().Select(e => e!.AsObject()) ?? []);
        }
        // One more sync: a copy delivered twice would show here.
        var after = await pair.B.Client.SyncAsync(bob, since, timeoutMs: 1000);
        events.AddRange(after["to_device"]?["events"]?.AsArray().Select(e => e!.AsObject()) ?? []);
        return events;
    }

    [Fact]
    public async Task To_device_messages_reach_a_remote_users_named_device_and_all_devices_once()
    {
        using var alice = await pair.A.Client.NewCryptoDeviceAsync();
        using var bob = await pair.B.Client.NewCryptoDeviceAsync();
        using var bobsOther = await pair.B.Client.NewCryptoDeviceAsync(bob.Session);
        var since = (string)(await pair.B.Client.SyncAsync(bob.Session))["next_batch"]!;
        var otherSince = (string)(await pair.B.Client.SyncAsync(bobsOther.Session))["next_batch"]!;

        JsonObject Send(JsonObject byDevice) => new() { ["messages"] = new JsonObject { [bob.UserId] = byDevice } };
        var named = Send(new JsonObject { [bob.DeviceId] = new JsonObject { ["n"] = 1 } });
        (await pair.A.Client.SendMatrixAsync(HttpMethod.Put, $"{V3}/sendToDevice/m.test/named", named, alice.Token)).AssertOk();
        (await pair.A.Client.SendMatrixAsync(HttpMethod.Put, $"{V3}/sendToDevice/m.test/named", named.DeepClone(), alice.Token)).AssertOk();
        (await pair.A.Client.SendMatrixAsync(HttpMethod.Put, $"{V3}/sendToDevice/m.test/star",
            Send(new JsonObject { ["*"] = new JsonObject { ["n"] = 2 } }), alice.Token)).AssertOk();

        var onBob = await ToDeviceEventsAsync(bob.Session, since, 2);
        Assert.Equal([1, 2], onBob.Select(e => (int)e["content"]!["n"]!));
        Assert.All(onBob, e => Assert.Equal((alice.UserId, "m.test"), ((string?)e["sender"], (string?)e["type"])));
        var onOther = await ToDeviceEventsAsync(bobsOther.Session, otherSince, 1);
        Assert.Equal([2], onOther.Select(e => (int)e["content"]!["n"]!));
    }
}

public sealed class SqliteKeysFederationTests(SqliteFederatingPair pair) : KeysFederationTests(pair), IClassFixture<SqliteFederatingPair>;

public sealed class PostgresKeysFederationTests(PostgresFederatingPair pair) : KeysFederationTests(pair), IClassFixture<PostgresFederatingPair>;
