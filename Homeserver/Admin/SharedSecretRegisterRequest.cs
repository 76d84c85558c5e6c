namespace Messenger.Homeserver.Admin;

/// <summary>Body of <c>POST /_synapse/admin/v1/register</c>.</summary>
public sealed record SharedSecretRegisterRequest(
    string? Nonce, string? Username, string? Password, bool? Admin, string? UserType, string? Displayname, string? Mac);
