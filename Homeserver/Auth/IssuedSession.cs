namespace Messenger.Homeserver.Auth;

/// <summary>The tokens handed to a client after login, registration or refresh.</summary>
public sealed record IssuedSession(string UserId, string DeviceId, string AccessToken, string? RefreshToken, long? ExpiresInMs);
