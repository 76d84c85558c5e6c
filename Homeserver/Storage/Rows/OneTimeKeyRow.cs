namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// An unclaimed one-time key of a device ("One-time and fallback keys"). <see cref="Id"/> grows with each upload, so
/// claims hand keys out in upload order; a claim deletes the row, which is what makes a key go out only once.
/// <see cref="Json"/> is the key as uploaded: a signed object for <c>signed_curve25519</c>, a string for <c>curve25519</c>.
/// </summary>
public sealed class OneTimeKeyRow
{
    public long Id { get; set; }
    public required string UserId { get; set; }
    public required string DeviceId { get; set; }
    public required string Algorithm { get; set; }
    public required string KeyId { get; set; }
    public required string Json { get; set; }
}
