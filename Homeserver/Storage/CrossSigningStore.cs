using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>Cross-signing keys of local users and the signatures uploaded for keys ("Cross-signing").</summary>
public sealed class CrossSigningStore(HomeserverDbContext db)
{
    /// <summary>The current keys of the given users, every usage.</summary>
    public Task<List<CrossSigningKeyRow>> KeysOfAsync(IReadOnlyCollection<string> userIds, CancellationToken ct = default) =>
        db.CrossSigningKeys.TagWith("CrossSigningStore.KeysOf").AsNoTracking().Where(k => userIds.Contains(k.UserId)).ToListAsync(ct);

    public Task<CrossSigningKeyRow?> FindAsync(string userId, string usage, CancellationToken ct = default) =>
        db.CrossSigningKeys.TagWith("CrossSigningStore.Find").AsNoTracking().FirstOrDefaultAsync(k => k.UserId == userId && k.Usage == usage, ct);

    /// <summary>Stages the key of a usage, replacing the current one.</summary>
    public async Task ReplaceAsync(CrossSigningKeyRow row, CancellationToken ct = default)
    {
        await db.CrossSigningKeys.TagWith("CrossSigningStore.Replace").Where(k => k.UserId == row.UserId && k.Usage == row.Usage).ExecuteDeleteAsync(ct);
        db.CrossSigningKeys.Add(row);
    }

    /// <summary>
    /// Signatures on the keys of <paramref name="targetUserIds"/> that <paramref name="readerUserId"/> may see: those made
    /// by the key's owner (their devices, master or self-signing key) or by the reader ("Key and signature security":
    /// nobody sees another user's user-signing signatures).
    /// </summary>
    public Task<List<KeySignatureRow>> VisibleSignaturesAsync(IReadOnlyCollection<string> targetUserIds, string readerUserId, CancellationToken ct = default) =>
        db.KeySignatures.TagWith("CrossSigningStore.VisibleSignatures").AsNoTracking()
            .Where(s => targetUserIds.Contains(s.TargetUserId) && (s.SignerUserId == s.TargetUserId || s.SignerUserId == readerUserId))
            .ToListAsync(ct);

    /// <summary>Stages a signature unless the same signer key already signed the same target (then its value is replaced).</summary>
    public async Task UpsertSignatureAsync(KeySignatureRow row, CancellationToken ct = default)
    {
        await db.KeySignatures.TagWith("CrossSigningStore.UpsertSignature")
            .Where(s => s.TargetUserId == row.TargetUserId && s.TargetKeyId == row.TargetKeyId && s.SignerUserId == row.SignerUserId && s.SignerKeyId == row.SignerKeyId)
            .ExecuteDeleteAsync(ct);
        db.KeySignatures.Add(row);
    }

    public Task SaveAsync(CancellationToken ct = default) => db.SaveChangesAsync(ct);
}
