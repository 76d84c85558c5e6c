using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Keys;

/// <summary>
/// <c>device_one_time_keys_count</c> and <c>device_unused_fallback_key_types</c> in <c>/sync</c> ("Extensions to
/// /sync" of "End-to-End Encryption") are kept in memory between syncs: each write that changes them — an upload, a
/// claim by another user, a fallback key handed out or replaced, the device's deletion — must show in the next sync,
/// a long-poll woken by a message included. On both databases.
/// </summary>
public abstract class SyncKeyCountTests(ServerFixture server)
{
    private const string SignedCurve25519 = "signed_curve25519";

    private HttpClient Http => server.Client;

    [Fact]
    public async Task A_woken_sync_after_a_claim_by_another_user_shows_the_lower_count_and_then_the_used_fallback_key()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var bob = await Http.NewCryptoDeviceAsync();
        await Http.PublishAsync(alice, oneTimeKeys: 2);
        (await Http.UploadKeysAsync(alice, new JsonObject { ["fallback_keys"] = new JsonObject { ["signed_curve25519:fb"] = alice.SignedKey(fallback: true) } })).AssertOk();
        var roomId = await Http.CreateRoomAsync(alice.Session, new { preset = "public_chat" });
        (await Http.RoomPostAsync(bob.Session, roomId, "join", new { })).AssertOk();
        var since = (string)(await SyncAsync(alice, null, 2, [SignedCurve25519]))["next_batch"]!;

        foreach (var (before, after, fallbackUnused) in new[] { (2, 1, true), (1, 0, true), (0, 0, false) })
        {
            // Read the counts again just before the claim, so that the claim must replace what a sync already read.
            since = (string)(await SyncAsync(alice, since, before, [SignedCurve25519]))["next_batch"]!;
            var text = $"wake after claim, {after} left";
            var waiting = Http.SyncUntilAsync(alice.Session, since, s => s.Timeline(roomId).Bodies().Contains(text));
            (await Http.ClaimAsync(bob, alice.UserId, alice.DeviceId)).AssertOk();
            await Http.SendTextAsync(bob.Session, roomId, text);
            var woken = await waiting;
            Assert.Equal(after, (int)woken["device_one_time_keys_count"]![SignedCurve25519]!);
            Assert.Equal(fallbackUnused ? [SignedCurve25519] : [], FallbackTypes(woken));
            since = (string)woken["next_batch"]!;
        }
    }

    [Fact]
    public async Task An_upload_and_a_replaced_fallback_key_show_in_the_next_sync()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var bob = await Http.NewCryptoDeviceAsync();
        await Http.PublishAsync(alice);
        var since = (string)(await SyncAsync(alice, null, 0, []))["next_batch"]!;

        (await Http.UploadKeysAsync(alice, new JsonObject { ["one_time_keys"] = alice.OneTimeKeys(3, "more") })).AssertOk();
        (await Http.UploadKeysAsync(alice, new JsonObject { ["fallback_keys"] = new JsonObject { ["signed_curve25519:fb"] = alice.SignedKey(fallback: true) } })).AssertOk();
        since = (string)(await SyncAsync(alice, since, 3, [SignedCurve25519]))["next_batch"]!;

        for (var i = 0; i < 4; i++) (await Http.ClaimAsync(bob, alice.UserId, alice.DeviceId)).AssertOk();
        since = (string)(await SyncAsync(alice, since, 0, []))["next_batch"]!;

        // A new fallback key replaces the used one: unused again.
        (await Http.UploadKeysAsync(alice, new JsonObject { ["fallback_keys"] = new JsonObject { ["signed_curve25519:fb2"] = alice.SignedKey(fallback: true) } })).AssertOk();
        await SyncAsync(alice, since, 0, [SignedCurve25519]);
    }

    [Fact]
    public async Task A_device_id_used_again_after_its_deletion_has_no_keys_left()
    {
        var account = await Http.RegisterAsync();
        using var first = new CryptoDevice(await Http.LoginAsync(account.UserId, account.Password, deviceId: "REUSED"));
        await Http.PublishAsync(first, oneTimeKeys: 2);
        (await Http.UploadKeysAsync(first, new JsonObject { ["fallback_keys"] = new JsonObject { ["signed_curve25519:fb"] = first.SignedKey(fallback: true) } })).AssertOk();
        await SyncAsync(first, null, 2, [SignedCurve25519]);

        (await Http.SendMatrixAsync(HttpMethod.Delete, $"{V3}/devices/REUSED", new JsonObject { ["auth"] = PasswordAuth(account) }, account.AccessToken)).AssertOk();

        using var again = new CryptoDevice(await Http.LoginAsync(account.UserId, account.Password, deviceId: "REUSED"));
        await SyncAsync(again, null, 0, []);
    }

    /// <summary>A sync of the device (incremental from <paramref name="since"/> when given) and its key counts checked.</summary>
    private async Task<JsonObject> SyncAsync(CryptoDevice device, string? since, int oneTimeKeys, string[] unusedFallback)
    {
        var sync = await Http.SyncAsync(device.Session, since);
        Assert.Equal(oneTimeKeys, (int)sync["device_one_time_keys_count"]![SignedCurve25519]!);
        Assert.Equal(unusedFallback, FallbackTypes(sync));
        return sync;
    }

    private static string[] FallbackTypes(JsonObject sync) => [.. sync["device_unused_fallback_key_types"]!.AsArray().Select(t => (string)t!)];
}

public sealed class SqliteSyncKeyCountTests(SqliteServer server) : SyncKeyCountTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresSyncKeyCountTests(PostgresServer server) : SyncKeyCountTests(server), IClassFixture<PostgresServer>;
