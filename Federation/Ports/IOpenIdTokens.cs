namespace Messenger.Federation.Ports;

/// <summary>OpenID tokens this server issued to its users, for <c>GET /_matrix/federation/v1/openid/userinfo</c>. The homeserver implements it.</summary>
public interface IOpenIdTokens
{
    /// <summary>The user the token was issued to, or null when it is unknown or expired.</summary>
    Task<string?> UserOfAsync(string token, CancellationToken ct);
}
