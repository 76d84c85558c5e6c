namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// A version of a user's server-side key backup ("Server-side key backups"). Versions only grow; a deleted version
/// keeps its row (<see cref="Deleted"/>) so that its number is never handed out again. <see cref="Etag"/> changes
/// whenever the version's keys change.
/// </summary>
public sealed class KeyBackupVersionRow
{
    public required string UserId { get; set; }
    public long Version { get; set; }
    public required string Algorithm { get; set; }
    public required string AuthDataJson { get; set; }
    public long Etag { get; set; }
    public bool Deleted { get; set; }
}
