namespace Messenger.Homeserver.ClientApi.Account;

/// <summary>Body of <c>POST /register</c> (the <c>auth</c> dict is read by User-Interactive Authentication).</summary>
public sealed record RegisterRequest(
    string? Username,
    string? Password,
    string? DeviceId,
    string? InitialDeviceDisplayName,
    bool? InhibitLogin,
    bool? RefreshToken);
