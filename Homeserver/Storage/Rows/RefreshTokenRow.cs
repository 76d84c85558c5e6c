namespace Messenger.Homeserver.Storage.Rows;

/// <summary>A refresh token, stored only as the SHA-256 of its text.</summary>
public sealed class RefreshTokenRow
{
    public long Id { get; set; }
    public required byte[] TokenHash { get; set; }
    public required string UserId { get; set; }
    public required string DeviceId { get; set; }
    public long CreatedTs { get; set; }

    /// <summary>The refresh token that replaced this one. "Refreshing access tokens": the old one stays valid until the new pair is used.</summary>
    public long? NextTokenId { get; set; }

    public RefreshTokenRow? Next { get; set; }
}
