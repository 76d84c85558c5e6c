namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// A user's current cross-signing key of one usage (<c>master</c>, <c>self_signing</c>, <c>user_signing</c>), as uploaded
/// with <c>/keys/device_signing/upload</c> ("Cross-signing"). A new upload replaces it.
/// </summary>
public sealed class CrossSigningKeyRow
{
    public required string UserId { get; set; }
    public required string Usage { get; set; }

    /// <summary>The Ed25519 public key, unpadded base64 (its key id is <c>ed25519:</c> + this).</summary>
    public required string PublicKey { get; set; }

    public required string Json { get; set; }
    public long CreatedTs { get; set; }
}
