namespace Messenger.Homeserver.Storage.Rows;

/// <summary>The backed-up key of one megolm session in one backup version (<c>KeyBackupData</c>).</summary>
public sealed class KeyBackupSessionRow
{
    public required string UserId { get; set; }
    public long Version { get; set; }
    public required string RoomId { get; set; }
    public required string SessionId { get; set; }
    public long FirstMessageIndex { get; set; }
    public long ForwardedCount { get; set; }
    public bool IsVerified { get; set; }
    public required string SessionDataJson { get; set; }
}
