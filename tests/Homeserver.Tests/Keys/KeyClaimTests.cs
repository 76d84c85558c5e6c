using System.Text.Json.Nodes;
using Messenger.Homeserver.ClientApi.Keys;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Keys;

/// <summary>"One-time and fallback keys" (<c>/keys/claim</c>), on both databases.</summary>
public abstract class KeyClaimTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    [Fact]
    public async Task Claims_hand_out_keys_in_upload_order_and_each_only_once()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var bob = await Http.NewCryptoDeviceAsync();
        await Http.PublishAsync(alice, oneTimeKeys: 1, prefix: "first");
        (await Http.UploadKeysAsync(alice, new JsonObject { ["one_time_keys"] = alice.OneTimeKeys(1, "second") })).AssertOk();

        var first = await ClaimedKeyIdAsync(bob, alice);
        var second = await ClaimedKeyIdAsync(bob, alice);
        Assert.Equal("signed_curve25519:first0", first);
        Assert.Equal("signed_curve25519:second0", second);
        Assert.Null(await ClaimedKeyIdAsync(bob, alice));
        Assert.Equal(0, await Http.OneTimeKeyCountAsync(alice));
    }

    [Fact]
    public async Task The_fallback_key_is_given_when_none_is_left_and_stays_but_is_marked_used()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var bob = await Http.NewCryptoDeviceAsync();
        await Http.PublishAsync(alice, oneTimeKeys: 1);
        (await Http.UploadKeysAsync(alice, new JsonObject { ["fallback_keys"] = new JsonObject { ["signed_curve25519:fb"] = alice.SignedKey(fallback: true) } })).AssertOk();
        Assert.Equal(["signed_curve25519"], await UnusedFallbackAsync(alice));

        Assert.Equal("signed_curve25519:k0", await ClaimedKeyIdAsync(bob, alice));
        Assert.Equal("signed_curve25519:fb", await ClaimedKeyIdAsync(bob, alice));
        Assert.Equal("signed_curve25519:fb", await ClaimedKeyIdAsync(bob, alice));
        Assert.Empty(await UnusedFallbackAsync(alice));

        // A new fallback key replaces the used one and is unused again.
        (await Http.UploadKeysAsync(alice, new JsonObject { ["fallback_keys"] = new JsonObject { ["signed_curve25519:fb2"] = alice.SignedKey(fallback: true) } })).AssertOk();
        Assert.Equal(["signed_curve25519"], await UnusedFallbackAsync(alice));
        Assert.Equal("signed_curve25519:fb2", await ClaimedKeyIdAsync(bob, alice));
    }

    [Fact]
    public async Task Two_fallback_keys_of_one_algorithm_are_refused()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        await Http.PublishAsync(alice);
        (await Http.UploadKeysAsync(alice, new JsonObject
        {
            ["fallback_keys"] = new JsonObject { ["signed_curve25519:a"] = alice.SignedKey(true), ["signed_curve25519:b"] = alice.SignedKey(true) },
        })).AssertError(400, "M_INVALID_PARAM");
        Assert.Empty(await UnusedFallbackAsync(alice));
    }

    [Fact]
    public async Task Concurrent_claims_never_hand_out_a_key_twice()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var bob = await Http.NewCryptoDeviceAsync();
        await Http.PublishAsync(alice, oneTimeKeys: 60);
        (await Http.UploadKeysAsync(alice, new JsonObject { ["fallback_keys"] = new JsonObject { ["signed_curve25519:fb"] = alice.SignedKey(fallback: true) } })).AssertOk();

        var claims = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => ClaimedKeyIdAsync(bob, alice)));

        var oneTime = claims.Where(c => c != "signed_curve25519:fb").ToList();
        Assert.Equal(60, oneTime.Count);
        Assert.Equal(60, oneTime.Distinct().Count());
        Assert.Equal(40, claims.Count(c => c == "signed_curve25519:fb"));
        Assert.Equal(0, await Http.OneTimeKeyCountAsync(alice));
    }

    [Fact]
    public async Task Claims_for_unknown_devices_and_remote_users_are_left_out()
    {
        using var bob = await Http.NewCryptoDeviceAsync();
        var response = (await Http.PostMatrixAsync(V3 + "/keys/claim", new JsonObject
        {
            ["one_time_keys"] = new JsonObject
            {
                [bob.UserId] = new JsonObject { ["NOSUCHDEVICE"] = "signed_curve25519" },
                ["@carol:remote.example"] = new JsonObject { ["DEV"] = "signed_curve25519" },
            },
        }, bob.Token)).AssertOk();
        Assert.Empty(response.Body["one_time_keys"]!.AsObject());
        Assert.NotNull(response.Body["failures"]!["remote.example"]);
        (await Http.PostMatrixAsync(V3 + "/keys/claim", new JsonObject { ["one_time_keys"] = new JsonObject { [bob.UserId] = new JsonObject { ["D"] = 5 } } }, bob.Token))
            .AssertError(400, "M_BAD_JSON");
    }

    [Fact]
    public async Task One_claim_for_many_devices_gives_each_its_one_time_key_or_else_its_fallback_key()
    {
        using var claimer = await Http.NewCryptoDeviceAsync();
        var devices = new List<CryptoDevice>();
        try
        {
            for (var i = 0; i < 12; i++) devices.Add(await Http.NewCryptoDeviceAsync());
            // Devices 0-3: a one-time key and a fallback key; 4-7: only a fallback key; 8-11: no key to claim at all.
            foreach (var (device, i) in devices.Select((d, i) => (d, i)))
            {
                await Http.PublishAsync(device, oneTimeKeys: i < 4 ? 1 : 0);
                if (i < 8)
                    (await Http.UploadKeysAsync(device, new JsonObject { ["fallback_keys"] = new JsonObject { ["signed_curve25519:fb"] = device.SignedKey(fallback: true) } })).AssertOk();
            }
            var request = new JsonObject
            {
                ["one_time_keys"] = new JsonObject(devices.Select(d => KeyValuePair.Create(d.UserId, (JsonNode?)new JsonObject { [d.DeviceId] = "signed_curve25519" }))),
            };

            var first = (await Http.PostMatrixAsync(V3 + "/keys/claim", request, claimer.Token)).AssertOk().Body["one_time_keys"]!;
            var second = (await Http.PostMatrixAsync(V3 + "/keys/claim", request.DeepClone().AsObject(), claimer.Token)).AssertOk().Body["one_time_keys"]!;

            foreach (var (device, i) in devices.Select((d, i) => (d, i)))
            {
                var expectedFirst = i < 4 ? "signed_curve25519:k0" : i < 8 ? "signed_curve25519:fb" : null;
                var expectedSecond = i < 8 ? "signed_curve25519:fb" : null;
                Assert.Equal(expectedFirst, first[device.UserId]?[device.DeviceId]?.AsObject().Single().Key);
                Assert.Equal(expectedSecond, second[device.UserId]?[device.DeviceId]?.AsObject().Single().Key);
                Assert.Empty(await UnusedFallbackAsync(device));
            }
        }
        finally
        {
            foreach (var device in devices) device.Dispose();
        }
    }

    private Task<List<string>> UnusedFallbackAsync(CryptoDevice device) =>
        server.WithServiceAsync(async (SyncKeyData data) =>
            (await data.UnusedFallbackKeyTypesAsync(device.UserId, device.DeviceId, CancellationToken.None)).Select(n => (string)n!).ToList());

    private async Task<string?> ClaimedKeyIdAsync(CryptoDevice claimer, CryptoDevice owner)
    {
        var body = (await Http.ClaimAsync(claimer, owner.UserId, owner.DeviceId)).AssertOk().Body;
        var keys = body["one_time_keys"]![owner.UserId]?[owner.DeviceId]?.AsObject();
        if (keys is null) return null;
        var (keyId, key) = Assert.Single(keys);
        Assert.True(Federation.Protocol.Signing.JsonSignatures.Verify(key!.AsObject(), owner.UserId, "ed25519:" + owner.DeviceId, owner.SigningKey.VerifyKey).IsValid);
        return keyId;
    }
}

public sealed class SqliteKeyClaimTests(SqliteServer server) : KeyClaimTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresKeyClaimTests(PostgresServer server) : KeyClaimTests(server), IClassFixture<PostgresServer>;
