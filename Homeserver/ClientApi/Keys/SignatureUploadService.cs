using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Keys;

/// <summary>
/// <c>POST /keys/signatures/upload</c> ("Cross-signing"). Each signed object must equal the stored key apart from its
/// signatures; the requester's new signatures on it must verify: on their own device keys by their self-signing key,
/// on their own master key by one of their devices, on another user's master key by their user-signing key. Each key
/// fails or succeeds alone, reported in <c>failures</c>; what verified is stored and announced as a device list change
/// (of the signed user's own keys, or of the signer for a user-signing signature, which only the signer may see).
/// </summary>
public sealed class SignatureUploadService(CrossSigningStore store, DeviceKeyStore keys, KeyStreamWriter writer, HomeserverConfig config)
{
    public async Task<JsonObject> UploadAsync(Requester requester, JsonObject body, CancellationToken ct)
    {
        var failures = new JsonObject();
        var accepted = new List<KeySignatureRow>();
        var mine = (await store.KeysOfAsync([requester.UserId], ct)).ToDictionary(k => k.Usage, StringComparer.Ordinal);
        foreach (var (user, byKey) in body)
        {
            if (byKey is not JsonObject map) throw MatrixError.BadJson($"{user} must map key ids to signed objects");
            foreach (var (keyId, signed) in map)
            {
                try
                {
                    if (signed is not JsonObject obj) throw MatrixError.BadJson("The signed key must be an object");
                    accepted.AddRange(await CheckAsync(requester, mine, user, keyId, obj, ct));
                }
                catch (MatrixException e)
                {
                    if (failures[user] is not JsonObject forUser) failures[user] = forUser = [];
                    forUser[keyId] = new JsonObject { ["errcode"] = e.Code.Code, ["error"] = e.Message };
                }
            }
        }

        if (accepted.Count > 0)
        {
            await writer.RunAsync(async write =>
            {
                foreach (var row in accepted)
                {
                    await store.UpsertSignatureAsync(row, ct);
                    // A signature on one of the user's devices changes that device; any other (on their master key, or
                    // their user-signing key on someone else's key) changes their cross-signing keys.
                    var device = row.TargetUserId == requester.UserId && row.TargetKeyId != mine.GetValueOrDefault(CrossSigningUsage.Master)?.PublicKey
                        ? row.TargetKeyId : null;
                    write.DeviceListChanged(requester.UserId, device);
                }
            }, ct);
        }
        return new JsonObject { ["failures"] = failures };
    }

    private async Task<List<KeySignatureRow>> CheckAsync(Requester requester, Dictionary<string, CrossSigningKeyRow> mine, string user, string keyId, JsonObject obj, CancellationToken ct)
    {
        var me = requester.UserId;
        if (user == me)
        {
            if (mine.GetValueOrDefault(CrossSigningUsage.Master) is { } master && master.PublicKey == keyId)
            {
                var deviceKeys = await keys.QueryDeviceKeysAsync(new Dictionary<string, IReadOnlyList<string>> { [me] = [] }, ct);
                var byKeyId = deviceKeys.ToDictionary(d => "ed25519:" + d.Keys.DeviceId, d => d.Keys.Ed25519Key, StringComparer.Ordinal);
                return NewSignatures(obj, master.Json, me, keyId, me, byKeyId, "one of your devices");
            }
            var device = await keys.FindDeviceKeysAsync(me, keyId, ct) ?? throw MatrixError.NotFound("Unknown device or key");
            var selfSigning = mine.GetValueOrDefault(CrossSigningUsage.SelfSigning) ?? throw KeyErrors.InvalidSignature("You have no self-signing key");
            return NewSignatures(obj, device.Json, me, keyId, me, SignerMap(selfSigning), "your self-signing key");
        }

        if (!Federation.Protocol.Identifiers.UserId.TryParse(user, out var parsed)) throw MatrixError.InvalidParam("Not a user id");
        if (parsed.ServerName.Value != config.ServerName) throw MatrixError.NotFound("Signing keys of remote users are not available yet");
        var theirMaster = await store.FindAsync(user, CrossSigningUsage.Master, ct);
        if (theirMaster is null || theirMaster.PublicKey != keyId) throw MatrixError.NotFound("Unknown master key");
        var userSigning = mine.GetValueOrDefault(CrossSigningUsage.UserSigning) ?? throw KeyErrors.InvalidSignature("You have no user-signing key");
        return NewSignatures(obj, theirMaster.Json, user, keyId, me, SignerMap(userSigning), "your user-signing key");
    }

    private static Dictionary<string, string> SignerMap(CrossSigningKeyRow key) => new(StringComparer.Ordinal) { ["ed25519:" + key.PublicKey] = key.PublicKey };

    /// <summary>
    /// The signer's signatures on <paramref name="obj"/> that the stored key does not have yet, each verified with one of
    /// <paramref name="signers"/> (key id → public key); the object must be the stored key apart from signatures.
    /// </summary>
    private static List<KeySignatureRow> NewSignatures(JsonObject obj, string storedJson, string targetUser, string targetKeyId, string signer,
        Dictionary<string, string> signers, string expected)
    {
        var stored = SignedKeyJson.Parse(storedJson).AsObject();
        var ours = SignedKeyJson.SignedPart(obj);
        var theirs = SignedKeyJson.SignedPart(stored);
        if (ours is null || theirs is null || !ours.AsSpan().SequenceEqual(theirs)) throw MatrixError.InvalidParam("The signed object does not match the stored key");
        var already = SignedKeyJson.SignaturesOf(stored, signer).ToHashSet();
        var rows = new List<KeySignatureRow>();
        foreach (var (signerKeyId, signature) in SignedKeyJson.SignaturesOf(obj, signer))
        {
            if (already.Contains((signerKeyId, signature))) continue;
            if (!signers.TryGetValue(signerKeyId, out var publicKey)) continue;
            if (!SignedKeyJson.IsSignedBy(obj, signer, signerKeyId, publicKey)) throw KeyErrors.InvalidSignature($"Invalid signature by {signerKeyId}");
            rows.Add(new KeySignatureRow { TargetUserId = targetUser, TargetKeyId = targetKeyId, SignerUserId = signer, SignerKeyId = signerKeyId, Signature = signature });
        }
        if (rows.Count == 0) throw KeyErrors.InvalidSignature($"No new signature by {expected}");
        return rows;
    }
}
