namespace Messenger.Homeserver.ClientApi.Keys;

/// <summary>The <c>usage</c> values of cross-signing keys ("Cross-signing"), and the request fields that carry them.</summary>
public static class CrossSigningUsage
{
    public const string Master = "master";
    public const string SelfSigning = "self_signing";
    public const string UserSigning = "user_signing";
}
