namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// The part of a room's current state that directories show (published room directory, user directory, space
/// hierarchy), copied out of the state events by <see cref="RoomSummaries"/> as they are persisted, so listing many
/// rooms is one query instead of loading and parsing their state events. Empty strings are never stored: absent or
/// malformed content leaves the column null.
/// </summary>
public sealed class RoomSummaryRow
{
    public required string RoomId { get; set; }

    /// <summary><c>type</c> of <c>m.room.create</c> ("Types": <c>m.space</c>, ...).</summary>
    public string? RoomType { get; set; }

    public string? Name { get; set; }
    public string? Topic { get; set; }
    public string? CanonicalAlias { get; set; }
    public string? AvatarUrl { get; set; }

    /// <summary><c>join_rule</c> of <c>m.room.join_rules</c>; null when the room has none (the auth rules treat that as invite).</summary>
    public string? JoinRule { get; set; }

    /// <summary><c>history_visibility</c> of <c>m.room.history_visibility</c>; null when unset (the spec's default is shared).</summary>
    public string? HistoryVisibility { get; set; }

    /// <summary><c>guest_access</c> of <c>m.room.guest_access</c>; null when unset (forbidden).</summary>
    public string? GuestAccess { get; set; }

    /// <summary><c>algorithm</c> of <c>m.room.encryption</c>; null in an unencrypted room.</summary>
    public string? Encryption { get; set; }
}
