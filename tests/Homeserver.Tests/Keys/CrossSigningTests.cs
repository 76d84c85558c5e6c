using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Keys;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Keys;

/// <summary>"Cross-signing" (<c>/keys/device_signing/upload</c>, <c>/keys/signatures/upload</c>), on both databases.</summary>
public abstract class CrossSigningTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private sealed record Identity(ServerSigningKey Master, ServerSigningKey SelfSigning, ServerSigningKey UserSigning) : IDisposable
    {
        public static Identity Create() => new(CryptoDevice.NewCrossSigningKey(), CryptoDevice.NewCrossSigningKey(), CryptoDevice.NewCrossSigningKey());

        public void Dispose()
        {
            Master.Dispose();
            SelfSigning.Dispose();
            UserSigning.Dispose();
        }
    }

    private static JsonObject SigningKeys(CryptoDevice device, Identity id) => new()
    {
        ["master_key"] = device.CrossSigningKey(id.Master, "master"),
        ["self_signing_key"] = device.CrossSigningKey(id.SelfSigning, "self_signing", id.Master),
        ["user_signing_key"] = device.CrossSigningKey(id.UserSigning, "user_signing", id.Master),
    };

    private Task<MatrixResponse> UploadSigningKeysAsync(CryptoDevice device, JsonObject body) =>
        Http.PostMatrixAsync(V3 + "/keys/device_signing/upload", body, device.Token);

    [Fact]
    public async Task First_keys_need_no_password_and_are_served_by_query()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var bob = await Http.NewCryptoDeviceAsync();
        using var id = Identity.Create();
        (await UploadSigningKeysAsync(alice, SigningKeys(alice, id))).AssertOk();

        var own = await Http.QueryKeysAsync(alice, alice.UserId);
        Assert.Equal(id.Master.PublicKeyBase64, (string?)own["master_keys"]![alice.UserId]!["keys"]!["ed25519:" + id.Master.PublicKeyBase64]);
        Assert.NotNull(own["self_signing_keys"]![alice.UserId]);
        Assert.NotNull(own["user_signing_keys"]![alice.UserId]);

        var seenByBob = await Http.QueryKeysAsync(bob, alice.UserId);
        Assert.NotNull(seenByBob["master_keys"]![alice.UserId]);
        Assert.NotNull(seenByBob["self_signing_keys"]![alice.UserId]);
        Assert.Null(seenByBob["user_signing_keys"]![alice.UserId]);
    }

    [Fact]
    public async Task Repeating_the_stored_keys_needs_no_password_but_replacing_them_does()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var id = Identity.Create();
        using var next = Identity.Create();
        var keys = SigningKeys(alice, id);
        (await UploadSigningKeysAsync(alice, keys)).AssertOk();
        (await UploadSigningKeysAsync(alice, keys.DeepClone().AsObject())).AssertOk();

        var challenge = await UploadSigningKeysAsync(alice, SigningKeys(alice, next));
        Assert.Equal(401, (int)challenge.Status);
        var withPassword = SigningKeys(alice, next);
        withPassword["auth"] = PasswordAuth(alice.Session, challenge.String("session"));
        (await UploadSigningKeysAsync(alice, withPassword)).AssertOk();

        var served = await Http.QueryKeysAsync(alice, alice.UserId);
        Assert.NotNull(served["master_keys"]![alice.UserId]!["keys"]!["ed25519:" + next.Master.PublicKeyBase64]);
    }

    [Fact]
    public async Task A_self_signing_key_not_signed_by_the_master_key_is_M_INVALID_SIGNATURE()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var id = Identity.Create();
        var keys = SigningKeys(alice, id);
        keys["self_signing_key"] = alice.CrossSigningKey(id.SelfSigning, "self_signing", id.UserSigning);
        (await UploadSigningKeysAsync(alice, keys)).AssertError(400, "M_INVALID_SIGNATURE");
        Assert.Null((await Http.QueryKeysAsync(alice, alice.UserId))["master_keys"]![alice.UserId]);
    }

    [Fact]
    public async Task Signing_keys_without_any_master_key_are_M_MISSING_PARAM()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var id = Identity.Create();
        (await UploadSigningKeysAsync(alice, new JsonObject { ["self_signing_key"] = alice.CrossSigningKey(id.SelfSigning, "self_signing", id.Master) }))
            .AssertError(400, "M_MISSING_PARAM");
    }

    [Fact]
    public async Task Keys_of_the_wrong_usage_or_user_are_refused()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var id = Identity.Create();
        var wrongUsage = SigningKeys(alice, id);
        wrongUsage["master_key"] = alice.CrossSigningKey(id.Master, "self_signing");
        (await UploadSigningKeysAsync(alice, wrongUsage)).AssertError(400, "M_INVALID_PARAM");

        var wrongUser = SigningKeys(alice, id);
        wrongUser["master_key"]!["user_id"] = "@mallory:" + ServerFixture.ServerName;
        (await UploadSigningKeysAsync(alice, wrongUser)).AssertError(400, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task A_device_signed_by_the_self_signing_key_shows_the_signature()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var id = Identity.Create();
        await Http.PublishAsync(alice);
        (await UploadSigningKeysAsync(alice, SigningKeys(alice, id))).AssertOk();

        var signed = alice.DeviceKeys();
        alice.Sign(signed, id.SelfSigning);
        var result = (await Http.PostMatrixAsync(V3 + "/keys/signatures/upload", new JsonObject { [alice.UserId] = new JsonObject { [alice.DeviceId] = signed } }, alice.Token)).AssertOk();
        Assert.Empty(result.Body["failures"]!.AsObject());

        var device = (await Http.QueryKeysAsync(alice, alice.UserId))["device_keys"]![alice.UserId]![alice.DeviceId]!;
        Assert.NotNull(device["signatures"]![alice.UserId]!["ed25519:" + id.SelfSigning.PublicKeyBase64]);
    }

    [Fact]
    public async Task A_bad_signature_fails_only_its_own_key()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var id = Identity.Create();
        await Http.PublishAsync(alice);
        (await UploadSigningKeysAsync(alice, SigningKeys(alice, id))).AssertOk();

        var forged = alice.DeviceKeys();
        forged["signatures"]![alice.UserId]!["ed25519:" + id.SelfSigning.PublicKeyBase64] = forged["signatures"]![alice.UserId]!["ed25519:" + alice.DeviceId]!.GetValue<string>();
        var master = alice.CrossSigningKey(id.Master, "master");
        alice.Sign(master, alice.SigningKey);
        var result = (await Http.PostMatrixAsync(V3 + "/keys/signatures/upload",
            new JsonObject { [alice.UserId] = new JsonObject { [alice.DeviceId] = forged, [id.Master.PublicKeyBase64] = master } }, alice.Token)).AssertOk();

        Assert.Equal("M_INVALID_SIGNATURE", (string?)result.Body["failures"]![alice.UserId]![alice.DeviceId]!["errcode"]);
        Assert.Null(result.Body["failures"]![alice.UserId]![id.Master.PublicKeyBase64]);
        var served = await Http.QueryKeysAsync(alice, alice.UserId);
        Assert.NotNull(served["master_keys"]![alice.UserId]!["signatures"]![alice.UserId]!["ed25519:" + alice.DeviceId]);
        Assert.Null(served["device_keys"]![alice.UserId]![alice.DeviceId]!["signatures"]![alice.UserId]!["ed25519:" + id.SelfSigning.PublicKeyBase64]);
    }

    [Fact]
    public async Task A_user_signing_signature_is_seen_only_by_its_signer()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var bob = await Http.NewCryptoDeviceAsync();
        using var carol = await Http.NewCryptoDeviceAsync();
        using var aliceId = Identity.Create();
        using var bobId = Identity.Create();
        (await UploadSigningKeysAsync(alice, SigningKeys(alice, aliceId))).AssertOk();
        (await UploadSigningKeysAsync(bob, SigningKeys(bob, bobId))).AssertOk();

        var bobsMaster = (await Http.QueryKeysAsync(alice, bob.UserId))["master_keys"]![bob.UserId]!.DeepClone().AsObject();
        alice.Sign(bobsMaster, aliceId.UserSigning);
        var result = (await Http.PostMatrixAsync(V3 + "/keys/signatures/upload",
            new JsonObject { [bob.UserId] = new JsonObject { [bobId.Master.PublicKeyBase64] = bobsMaster } }, alice.Token)).AssertOk();
        Assert.Empty(result.Body["failures"]!.AsObject());

        var signatureKey = "ed25519:" + aliceId.UserSigning.PublicKeyBase64;
        Assert.NotNull((await Http.QueryKeysAsync(alice, bob.UserId))["master_keys"]![bob.UserId]!["signatures"]![alice.UserId]?[signatureKey]);
        Assert.Null((await Http.QueryKeysAsync(carol, bob.UserId))["master_keys"]![bob.UserId]!["signatures"]?[alice.UserId]);
        Assert.Null((await Http.QueryKeysAsync(bob, bob.UserId))["master_keys"]![bob.UserId]!["signatures"]?[alice.UserId]);
    }

    [Fact]
    public async Task A_signed_object_that_differs_from_the_stored_key_is_refused()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var id = Identity.Create();
        await Http.PublishAsync(alice);
        (await UploadSigningKeysAsync(alice, SigningKeys(alice, id))).AssertOk();
        var changed = alice.DeviceKeys();
        changed["algorithms"] = new JsonArray("m.other");
        alice.Sign(changed, id.SelfSigning);
        var result = (await Http.PostMatrixAsync(V3 + "/keys/signatures/upload", new JsonObject { [alice.UserId] = new JsonObject { [alice.DeviceId] = changed } }, alice.Token)).AssertOk();
        Assert.Equal("M_INVALID_PARAM", (string?)result.Body["failures"]![alice.UserId]![alice.DeviceId]!["errcode"]);
    }
}

public sealed class SqliteCrossSigningTests(SqliteServer server) : CrossSigningTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresCrossSigningTests(PostgresServer server) : CrossSigningTests(server), IClassFixture<PostgresServer>;
