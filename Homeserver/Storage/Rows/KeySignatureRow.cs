namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// A signature uploaded with <c>/keys/signatures/upload</c>: <see cref="SignerUserId"/>'s key <see cref="SignerKeyId"/>
/// signed the key <see cref="TargetKeyId"/> (a device id, or a master key's public key) of <see cref="TargetUserId"/>.
/// Kept apart from the signed object so that who may see it can be decided per reader ("Key and signature security").
/// </summary>
public sealed class KeySignatureRow
{
    public required string TargetUserId { get; set; }
    public required string TargetKeyId { get; set; }
    public required string SignerUserId { get; set; }
    public required string SignerKeyId { get; set; }
    public required string Signature { get; set; }
}
