using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Keys;

/// <summary>Dehydrated devices (MSC3814, unstable prefix <c>org.matrix.msc3814.v1</c>), on both databases.</summary>
public abstract class DehydratedDeviceTests(ServerFixture server)
{
    private const string Unstable = "/_matrix/client/unstable/org.matrix.msc3814.v1";

    private HttpClient Http => server.Client;

    /// <summary>A signer for a dehydrated device of <paramref name="owner"/>: the device has no session of its own.</summary>
    private static CryptoDevice Dehydrated(CryptoDevice owner, string deviceId) =>
        new(owner.Session with { DeviceId = deviceId });

    private Task<MatrixResponse> PutAsync(CryptoDevice owner, CryptoDevice dehydrated, JsonObject? deviceKeys = null, int oneTimeKeys = 5) =>
        Http.SendMatrixAsync(HttpMethod.Put, Unstable + "/dehydrated_device", new JsonObject
        {
            ["device_id"] = dehydrated.DeviceId,
            ["device_data"] = new JsonObject { ["algorithm"] = "org.matrix.msc3814.v1.olm", ["device_pickle"] = "opaque" },
            ["initial_device_display_name"] = "Dehydrated device",
            ["device_keys"] = deviceKeys ?? dehydrated.DeviceKeys(),
            ["one_time_keys"] = dehydrated.OneTimeKeys(oneTimeKeys),
            ["fallback_keys"] = new JsonObject { ["signed_curve25519:fb"] = dehydrated.SignedKey(fallback: true) },
        }, owner.Token);

    private Task<MatrixResponse> EventsAsync(CryptoDevice reader, string deviceId, string? nextBatch = null) =>
        Http.PostMatrixAsync($"{Unstable}/dehydrated_device/{Uri.EscapeDataString(deviceId)}/events",
            nextBatch is null ? new JsonObject() : new JsonObject { ["next_batch"] = nextBatch }, reader.Token);

    private async Task<JsonNode?> DeviceKeysAsync(CryptoDevice reader, CryptoDevice owner, string deviceId) =>
        ((await Http.QueryKeysAsync(reader, owner.UserId))["device_keys"]?[owner.UserId] as JsonObject)?[deviceId];

    [Fact]
    public async Task Without_a_dehydrated_device_get_answers_M_NOT_FOUND_so_clients_know_the_server_supports_it()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        // matrix-js-sdk's isDehydrationSupported: M_NOT_FOUND means supported, M_UNRECOGNIZED means not.
        (await Http.GetMatrixAsync(Unstable + "/dehydrated_device", alice.Token)).AssertError(404, "M_NOT_FOUND");
        (await Http.SendMatrixAsync(HttpMethod.Delete, Unstable + "/dehydrated_device", null, alice.Token)).AssertError(404, "M_NOT_FOUND");
    }

    [Fact]
    public async Task A_dehydrated_device_is_stored_with_its_keys_receives_to_device_messages_and_is_read_in_batches_without_deleting()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var bob = await Http.NewCryptoDeviceAsync();
        using var dehydrated = Dehydrated(alice, "CURVEKEYASDEVICEID");
        Assert.Equal("CURVEKEYASDEVICEID", (string?)(await PutAsync(alice, dehydrated)).AssertOk().Body["device_id"]);

        var got = (await Http.GetMatrixAsync(Unstable + "/dehydrated_device", alice.Token)).AssertOk().Body;
        Assert.Equal(dehydrated.DeviceId, (string?)got["device_id"]);
        Assert.Equal("opaque", (string?)got["device_data"]!["device_pickle"]);

        // Others see it as a device of Alice's with keys, and can claim its one-time keys to send it room keys.
        Assert.NotNull(await DeviceKeysAsync(bob, alice, dehydrated.DeviceId));
        var claimed = (await Http.ClaimAsync(bob, alice.UserId, dehydrated.DeviceId)).AssertOk().Body;
        Assert.StartsWith("signed_curve25519:k", claimed["one_time_keys"]![alice.UserId]![dehydrated.DeviceId]!.AsObject().Single().Key);

        for (var i = 0; i < 105; i++)
        {
            (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/sendToDevice/m.room.encrypted/d{i}", new JsonObject
            {
                ["messages"] = new JsonObject { [alice.UserId] = new JsonObject { [dehydrated.DeviceId] = new JsonObject { ["n"] = i } } },
            }, bob.Token)).AssertOk();
        }

        // Any device of Alice's reads them, 100 at a time, then an empty batch; reading again starts over.
        using var aliceNew = await Http.NewCryptoDeviceAsync(alice.Session);
        var first = (await EventsAsync(aliceNew, dehydrated.DeviceId)).AssertOk().Body;
        Assert.Equal(100, first["events"]!.AsArray().Count);
        Assert.Equal(bob.UserId, (string?)first["events"]![0]!["sender"]);
        Assert.Equal("m.room.encrypted", (string?)first["events"]![0]!["type"]);
        var second = (await EventsAsync(aliceNew, dehydrated.DeviceId, (string?)first["next_batch"])).AssertOk().Body;
        Assert.Equal(Enumerable.Range(100, 5), second["events"]!.AsArray().Select(e => (int)e!["content"]!["n"]!));
        var last = (await EventsAsync(aliceNew, dehydrated.DeviceId, (string?)second["next_batch"])).AssertOk().Body;
        Assert.Empty(last["events"]!.AsArray());
        Assert.Equal(100, (await EventsAsync(alice, dehydrated.DeviceId)).AssertOk().Body["events"]!.AsArray().Count);

        // Only the user's own current dehydrated device can be read.
        (await EventsAsync(bob, dehydrated.DeviceId)).AssertError(403, "M_FORBIDDEN");
        (await EventsAsync(aliceNew, alice.DeviceId)).AssertError(403, "M_FORBIDDEN");
        (await EventsAsync(aliceNew, dehydrated.DeviceId, "not-a-token")).AssertError(400, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task A_new_dehydrated_device_replaces_the_old_one_with_its_keys_and_delete_removes_it()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var bob = await Http.NewCryptoDeviceAsync();
        using var old = Dehydrated(alice, "OLDDEHYDRATED");
        using var replacement = Dehydrated(alice, "NEWDEHYDRATED");
        (await PutAsync(alice, old)).AssertOk();
        (await PutAsync(alice, replacement)).AssertOk();

        Assert.Equal("NEWDEHYDRATED", (string?)(await Http.GetMatrixAsync(Unstable + "/dehydrated_device", alice.Token)).AssertOk().Body["device_id"]);
        Assert.Null(await DeviceKeysAsync(bob, alice, "OLDDEHYDRATED"));
        Assert.NotNull(await DeviceKeysAsync(bob, alice, "NEWDEHYDRATED"));
        Assert.Null((await Http.ClaimAsync(bob, alice.UserId, "OLDDEHYDRATED")).AssertOk().Body["one_time_keys"]![alice.UserId]);

        Assert.Equal("NEWDEHYDRATED", (string?)(await Http.SendMatrixAsync(HttpMethod.Delete, Unstable + "/dehydrated_device", null, alice.Token)).AssertOk().Body["device_id"]);
        (await Http.GetMatrixAsync(Unstable + "/dehydrated_device", alice.Token)).AssertError(404, "M_NOT_FOUND");
        Assert.Null(await DeviceKeysAsync(bob, alice, "NEWDEHYDRATED"));
    }

    [Fact]
    public async Task Bad_keys_or_another_devices_id_store_nothing()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var bob = await Http.NewCryptoDeviceAsync();
        using var dehydrated = Dehydrated(alice, "DEHYDRATED");
        using var impostor = Dehydrated(alice, "DEHYDRATED");

        // Device keys signed by a key other than their own ed25519 key.
        (await PutAsync(alice, dehydrated, deviceKeys: dehydrated.DeviceKeys(signer: impostor.SigningKey))).AssertError(400, "M_INVALID_PARAM");
        (await Http.GetMatrixAsync(Unstable + "/dehydrated_device", alice.Token)).AssertError(404, "M_NOT_FOUND");
        var devices = (await Http.GetMatrixAsync(V3 + "/devices", alice.Token)).AssertOk().Body["devices"]!.AsArray();
        Assert.DoesNotContain(devices, d => (string?)d!["device_id"] == "DEHYDRATED");

        // The id of one of the user's ordinary devices.
        using var clash = Dehydrated(alice, alice.DeviceId);
        (await PutAsync(alice, clash)).AssertError(400, "M_INVALID_PARAM");
        (await Http.SendMatrixAsync(HttpMethod.Put, Unstable + "/dehydrated_device", new JsonObject { ["device_id"] = "X" }, alice.Token))
            .AssertError(400, "M_MISSING_PARAM");
        Assert.Null(await DeviceKeysAsync(bob, alice, "DEHYDRATED"));
    }
}

public sealed class SqliteDehydratedDeviceTests(SqliteServer server) : DehydratedDeviceTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresDehydratedDeviceTests(PostgresServer server) : DehydratedDeviceTests(server), IClassFixture<PostgresServer>;
