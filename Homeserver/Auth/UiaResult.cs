namespace Messenger.Homeserver.Auth;

/// <summary>
/// A finished User-Interactive Authentication: the session to consume with the operation, and what it proved:
/// the registration token used, and the user a password stage authenticated.
/// </summary>
public sealed record UiaResult(string SessionId, string? RegistrationToken, string? UserId);
