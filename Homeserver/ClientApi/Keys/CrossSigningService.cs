using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Keys;

/// <summary>
/// <c>POST /keys/device_signing/upload</c> ("Cross-signing"). Rules: each key is the requester's, with its usage and one
/// Ed25519 key; self-signing and user-signing keys are signed by the master key of the request, or else the stored
/// one (none: <c>M_MISSING_PARAM</c>; bad signature: <c>M_INVALID_SIGNATURE</c>); no public key may equal one of the
/// user's device ids (403). User-interactive auth (password) is required unless the user has no master key yet or the
/// request only repeats the stored keys (spec 1.11), which makes a lost response safe to retry.
/// </summary>
public sealed class CrossSigningService(CrossSigningStore store, DeviceStore devices, UserInteractiveAuth uia, KeyStreamWriter writer, TimeProvider time)
{
    private static readonly IReadOnlyList<UiaFlow> PasswordFlow = [new UiaFlow(UiaFlow.Password)];

    public async Task UploadAsync(Requester requester, JsonObject body, CancellationToken ct)
    {
        var user = requester.UserId;
        var uploaded = new[]
        {
            CrossSigningKeyCheck.Read(body, "master_key", CrossSigningUsage.Master, user),
            CrossSigningKeyCheck.Read(body, "self_signing_key", CrossSigningUsage.SelfSigning, user),
            CrossSigningKeyCheck.Read(body, "user_signing_key", CrossSigningUsage.UserSigning, user),
        }.OfType<CrossSigningKeyCheck.Checked>().ToList();

        var existing = (await store.KeysOfAsync([user], ct)).ToDictionary(k => k.Usage, StringComparer.Ordinal);
        var master = uploaded.FirstOrDefault(k => k.Usage == CrossSigningUsage.Master)?.PublicKey
            ?? existing.GetValueOrDefault(CrossSigningUsage.Master)?.PublicKey;
        foreach (var key in uploaded.Where(k => k.Usage != CrossSigningUsage.Master))
        {
            if (master is null) throw MatrixError.MissingParam("master_key");
            if (!SignedKeyJson.IsSignedBy(key.Object, user, "ed25519:" + master, master))
                throw KeyErrors.InvalidSignature($"The {key.Usage} key is not signed by the master key");
        }
        var deviceIds = (await devices.ListAsync(user, ct)).Select(d => d.DeviceId).ToHashSet(StringComparer.Ordinal);
        if (uploaded.Any(k => deviceIds.Contains(k.PublicKey))) throw MatrixError.Forbidden("Key ID in use");

        var changed = uploaded.Where(k => existing.GetValueOrDefault(k.Usage)?.Json != k.Json).ToList();
        UiaResult? auth = null;
        if (existing.ContainsKey(CrossSigningUsage.Master) && changed.Count > 0)
            auth = await uia.AuthenticateAsync(body, "device_signing_upload", PasswordFlow, user, ct);
        if (changed.Count == 0) return;

        await writer.RunAsync(async write =>
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            foreach (var key in changed)
                await store.ReplaceAsync(new CrossSigningKeyRow { UserId = user, Usage = key.Usage, PublicKey = key.PublicKey, Json = key.Json, CreatedTs = now }, ct);
            write.DeviceListChanged(user, null);
            if (auth is not null) await uia.ConsumeAsync(auth, ct);
        }, ct);
    }
}
