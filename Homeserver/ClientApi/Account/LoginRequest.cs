namespace Messenger.Homeserver.ClientApi.Account;

/// <summary>Body of <c>POST /login</c> (the identifier is read by <see cref="Auth.LoginIdentifier"/>).</summary>
public sealed record LoginRequest(
    string? Type,
    string? Password,
    string? DeviceId,
    string? InitialDeviceDisplayName,
    bool? RefreshToken);
