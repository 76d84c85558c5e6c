namespace Messenger.Homeserver.Storage.Rows;

/// <summary>An access token, stored only as the SHA-256 of its text.</summary>
public sealed class AccessTokenRow
{
    public long Id { get; set; }
    public required byte[] TokenHash { get; set; }
    public required string UserId { get; set; }
    public required string DeviceId { get; set; }
    public long CreatedTs { get; set; }

    /// <summary>When it stops working (ms since epoch); null for tokens issued without a refresh token.</summary>
    public long? ExpiresTs { get; set; }

    /// <summary>The refresh token issued with it, if any.</summary>
    public long? RefreshTokenId { get; set; }

    public RefreshTokenRow? RefreshToken { get; set; }

    /// <summary>Set on first use; the first use of a refreshed pair revokes the refresh token it replaced.</summary>
    public bool Used { get; set; }
}
