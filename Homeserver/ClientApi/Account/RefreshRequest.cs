namespace Messenger.Homeserver.ClientApi.Account;

/// <summary>Body of <c>POST /refresh</c>.</summary>
public sealed record RefreshRequest(string? RefreshToken);
