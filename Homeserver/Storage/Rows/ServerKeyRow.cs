namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// A remote server's signing key as last fetched and verified, with the signed response it came from (served
/// again when we act as a notary). <see cref="ExpiredTs"/> is set for keys from <c>old_verify_keys</c>.
/// </summary>
public sealed class ServerKeyRow
{
    public required string ServerName { get; set; }
    public required string KeyId { get; set; }
    public required string VerifyKey { get; set; }
    public long ValidUntilTs { get; set; }
    public long? ExpiredTs { get; set; }
    public long FetchedTs { get; set; }
    public required string ResponseJson { get; set; }
}
