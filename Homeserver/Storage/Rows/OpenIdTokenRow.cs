namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// An OpenID token ("OpenID"): good only for another party to learn, through <c>/_matrix/federation/v1/openid/userinfo</c>,
/// which user it was issued to, until it expires. Stored as its SHA-256, like every token.
/// </summary>
public sealed class OpenIdTokenRow
{
    public required byte[] TokenHash { get; set; }
    public required string UserId { get; set; }
    public long ExpiresTs { get; set; }
}
