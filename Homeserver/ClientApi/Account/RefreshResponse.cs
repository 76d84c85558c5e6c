namespace Messenger.Homeserver.ClientApi.Account;

/// <summary>Response of <c>POST /refresh</c>.</summary>
public sealed record RefreshResponse(string AccessToken, string? RefreshToken, long? ExpiresInMs);
