namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// A report of an event, a room or a user ("Reporting content"), kept for the server's administrators. Which of
/// <see cref="EventId"/>, <see cref="RoomId"/> and <see cref="TargetUserId"/> are set follows <see cref="Kind"/>.
/// </summary>
public sealed class ReportRow
{
    public const string EventKind = "event", RoomKind = "room", UserKind = "user";

    public long Id { get; set; }
    public required string Kind { get; set; }
    public required string ReporterUserId { get; set; }
    public string? RoomId { get; set; }
    public string? EventId { get; set; }
    public string? TargetUserId { get; set; }
    public string? Reason { get; set; }

    /// <summary>The <c>score</c> older clients still send with event reports (removed from the spec in v1.18), if any.</summary>
    public int? Score { get; set; }

    public long ReceivedTs { get; set; }
}
