using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Keys;

/// <summary>"Uploading keys" and "Tracking the device list for a user" (<c>/keys/upload</c>, <c>/keys/query</c>), on both databases.</summary>
public abstract class KeyUploadTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    [Fact]
    public async Task Signed_device_keys_are_served_by_query_with_the_display_name()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var bob = await Http.NewCryptoDeviceAsync();
        (await Http.SendMatrixAsync(HttpMethod.Put, V3 + "/devices/" + alice.DeviceId, new { display_name = "Alice's phone" }, alice.Token)).AssertOk();
        var counts = await Http.PublishAsync(alice, oneTimeKeys: 5);
        Assert.Equal(5, (int)counts.Body["one_time_key_counts"]!["signed_curve25519"]!);

        var result = await Http.QueryKeysAsync(bob, alice.UserId);

        var device = result["device_keys"]![alice.UserId]![alice.DeviceId]!.AsObject();
        Assert.Equal(alice.SigningKey.PublicKeyBase64, (string?)device["keys"]!["ed25519:" + alice.DeviceId]);
        Assert.Equal("Alice's phone", (string?)device["unsigned"]!["device_display_name"]);
        Assert.NotNull(device["signatures"]![alice.UserId]!["ed25519:" + alice.DeviceId]);
        Assert.Empty(result["failures"]!.AsObject());
    }

    [Fact]
    public async Task Unsigned_device_keys_are_refused_and_nothing_is_stored()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        var keys = alice.DeviceKeys();
        keys.Remove("signatures");
        (await Http.UploadKeysAsync(alice, new JsonObject { ["device_keys"] = keys, ["one_time_keys"] = alice.OneTimeKeys(3) })).AssertError(400, "M_INVALID_PARAM");

        Assert.Empty((await Http.QueryKeysAsync(alice, alice.UserId))["device_keys"]![alice.UserId]!.AsObject());
        Assert.Equal(0, await Http.OneTimeKeyCountAsync(alice));
    }

    [Fact]
    public async Task Device_keys_signed_by_another_key_are_refused()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var impostor = Federation.Protocol.Keys.ServerSigningKey.Generate(alice.DeviceId);
        (await Http.UploadKeysAsync(alice, new JsonObject { ["device_keys"] = alice.DeviceKeys(signer: impostor) })).AssertError(400, "M_INVALID_PARAM");

        var tampered = alice.DeviceKeys();
        tampered["algorithms"]!.AsArray().Add("m.evil");
        (await Http.UploadKeysAsync(alice, new JsonObject { ["device_keys"] = tampered })).AssertError(400, "M_INVALID_PARAM");
        Assert.Empty((await Http.QueryKeysAsync(alice, alice.UserId))["device_keys"]![alice.UserId]!.AsObject());
    }

    [Fact]
    public async Task Device_keys_for_another_user_or_device_are_refused()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var bob = await Http.NewCryptoDeviceAsync();
        (await Http.UploadKeysAsync(alice, new JsonObject { ["device_keys"] = bob.DeviceKeys() })).AssertError(400, "M_INVALID_PARAM");

        var otherDevice = alice.DeviceKeys();
        otherDevice["device_id"] = "SOMEOTHER";
        otherDevice.Remove("signatures");
        alice.Sign(otherDevice, alice.SigningKey);
        (await Http.UploadKeysAsync(alice, new JsonObject { ["device_keys"] = otherDevice })).AssertError(400, "M_INVALID_PARAM");
        Assert.Empty((await Http.QueryKeysAsync(alice, bob.UserId))["device_keys"]![bob.UserId]!.AsObject());
    }

    [Fact]
    public async Task Device_keys_of_the_wrong_shape_are_M_BAD_JSON()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        var keys = alice.DeviceKeys();
        keys["algorithms"] = "m.megolm.v1.aes-sha2";
        (await Http.UploadKeysAsync(alice, new JsonObject { ["device_keys"] = keys })).AssertError(400, "M_BAD_JSON");
        (await Http.UploadKeysAsync(alice, new JsonObject { ["device_keys"] = "keys" })).AssertError(400, "M_BAD_JSON");
    }

    [Fact]
    public async Task The_same_first_upload_sent_twice_at_once_succeeds_both_times()
    {
        // Bug found by the matrix-js-sdk end-to-end suite: Rust crypto may send its first /keys/upload twice in
        // parallel; both requests found no stored keys, and the second insert failed with a 500.
        using var alice = await Http.NewCryptoDeviceAsync();
        using var bob = await Http.NewCryptoDeviceAsync();
        var body = new JsonObject { ["device_keys"] = alice.DeviceKeys() };
        var uploads = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Http.UploadKeysAsync(alice, body.DeepClone().AsObject())));
        foreach (var upload in uploads) upload.AssertOk();

        var served = (await Http.QueryKeysAsync(bob, alice.UserId))["device_keys"]![alice.UserId]![alice.DeviceId]!;
        Assert.Equal(alice.SigningKey.PublicKeyBase64, (string?)served["keys"]!["ed25519:" + alice.DeviceId]);
    }

    [Fact]
    public async Task A_device_cannot_change_its_identity_keys_but_may_repeat_them()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        await Http.PublishAsync(alice);
        await Http.PublishAsync(alice);

        using var replacement = new CryptoDevice(alice.Session);
        (await Http.UploadKeysAsync(replacement, new JsonObject { ["device_keys"] = replacement.DeviceKeys() })).AssertError(400, "M_INVALID_PARAM");

        var served = (await Http.QueryKeysAsync(alice, alice.UserId))["device_keys"]![alice.UserId]![alice.DeviceId]!;
        Assert.Equal(alice.SigningKey.PublicKeyBase64, (string?)served["keys"]!["ed25519:" + alice.DeviceId]);
    }

    [Fact]
    public async Task One_time_keys_must_be_signed_by_the_device_key()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        await Http.PublishAsync(alice);
        using var other = Federation.Protocol.Keys.ServerSigningKey.Generate(alice.DeviceId);
        var keys = alice.OneTimeKeys(2);
        keys["signed_curve25519:bad"] = alice.SignedKey(signer: other);

        (await Http.UploadKeysAsync(alice, new JsonObject { ["one_time_keys"] = keys })).AssertError(400, "M_INVALID_PARAM");
        Assert.Equal(0, await Http.OneTimeKeyCountAsync(alice));
    }

    [Fact]
    public async Task Signed_one_time_keys_need_device_keys_first()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        (await Http.UploadKeysAsync(alice, new JsonObject { ["one_time_keys"] = alice.OneTimeKeys(1) })).AssertError(400, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task A_key_id_uploaded_again_with_other_content_is_refused_and_the_same_content_is_ignored()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        await Http.PublishAsync(alice);
        var first = alice.OneTimeKeys(3);
        (await Http.UploadKeysAsync(alice, new JsonObject { ["one_time_keys"] = first })).AssertOk();
        (await Http.UploadKeysAsync(alice, new JsonObject { ["one_time_keys"] = first.DeepClone() })).AssertOk();
        Assert.Equal(3, await Http.OneTimeKeyCountAsync(alice));

        var clash = new JsonObject { ["signed_curve25519:k0"] = alice.SignedKey(), ["signed_curve25519:new"] = alice.SignedKey() };
        (await Http.UploadKeysAsync(alice, new JsonObject { ["one_time_keys"] = clash })).AssertError(400, "M_INVALID_PARAM");
        Assert.Equal(3, await Http.OneTimeKeyCountAsync(alice));
    }

    [Fact]
    public async Task Plain_curve25519_keys_are_counted_apart()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        var response = (await Http.UploadKeysAsync(alice, new JsonObject
        {
            ["one_time_keys"] = new JsonObject { ["curve25519:a"] = CryptoDevice.RandomKey(), ["curve25519:b"] = CryptoDevice.RandomKey() },
        })).AssertOk();
        Assert.Equal(2, (int)response.Body["one_time_key_counts"]!["curve25519"]!);
        Assert.Equal(0, (int)response.Body["one_time_key_counts"]!["signed_curve25519"]!);
        (await Http.UploadKeysAsync(alice, new JsonObject { ["one_time_keys"] = new JsonObject { ["curve25519:c"] = "short" } })).AssertError(400, "M_BAD_JSON");
    }

    [Fact]
    public async Task Too_many_keys_in_one_upload_are_refused_and_nothing_is_stored()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        await Http.PublishAsync(alice);
        var keys = new JsonObject();
        for (var i = 0; i < 1001; i++) keys[$"curve25519:{i}"] = CryptoDevice.RandomKey();
        (await Http.UploadKeysAsync(alice, new JsonObject { ["one_time_keys"] = keys })).AssertError(413, "M_TOO_LARGE");

        var huge = alice.SignedKey();
        huge["padding"] = new string('x', 20_000);
        huge.Remove("signatures");
        alice.Sign(huge, alice.SigningKey);
        (await Http.UploadKeysAsync(alice, new JsonObject { ["one_time_keys"] = new JsonObject { ["signed_curve25519:huge"] = huge } })).AssertError(413, "M_TOO_LARGE");
        Assert.Equal(0, await Http.OneTimeKeyCountAsync(alice));
    }

    [Fact]
    public async Task Query_lists_remote_servers_as_failures_and_unknown_local_users_as_empty()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        var result = await Http.QueryKeysAsync(alice, "@bob:remote.example", "@nobody:" + ServerFixture.ServerName);
        Assert.NotNull(result["failures"]!["remote.example"]);
        Assert.Empty(result["device_keys"]!["@nobody:" + ServerFixture.ServerName]!.AsObject());
        (await Http.PostMatrixAsync(V3 + "/keys/query", new JsonObject { ["device_keys"] = new JsonObject { ["not-a-user"] = new JsonArray() } }, alice.Token))
            .AssertError(400, "M_INVALID_PARAM");
        (await Http.PostMatrixAsync(V3 + "/keys/query", new JsonObject(), alice.Token)).AssertError(400, "M_MISSING_PARAM");
    }

    [Fact]
    public async Task Query_of_chosen_devices_returns_only_those()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var second = await Http.NewCryptoDeviceAsync(alice.Session);
        await Http.PublishAsync(alice);
        await Http.PublishAsync(second);

        var all = await Http.QueryKeysAsync(alice, alice.UserId);
        Assert.Equal(2, all["device_keys"]![alice.UserId]!.AsObject().Count);
        var one = (await Http.PostMatrixAsync(V3 + "/keys/query",
            new JsonObject { ["device_keys"] = new JsonObject { [alice.UserId] = new JsonArray(second.DeviceId) } }, alice.Token)).AssertOk().Body;
        Assert.Equal([second.DeviceId], one["device_keys"]![alice.UserId]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Deleting_a_device_deletes_its_keys()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var old = await Http.NewCryptoDeviceAsync(alice.Session);
        await Http.PublishAsync(old, oneTimeKeys: 3);
        (await Http.PostMatrixAsync(V3 + "/logout", new JsonObject(), old.Token)).AssertOk();

        Assert.Empty((await Http.QueryKeysAsync(alice, alice.UserId))["device_keys"]![alice.UserId]!.AsObject());
        Assert.Empty((await Http.ClaimAsync(alice, alice.UserId, old.DeviceId)).AssertOk().Body["one_time_keys"]!.AsObject());
    }
}

public sealed class SqliteKeyUploadTests(SqliteServer server) : KeyUploadTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresKeyUploadTests(PostgresServer server) : KeyUploadTests(server), IClassFixture<PostgresServer>;
