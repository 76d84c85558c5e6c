namespace Messenger.Homeserver.Storage.Rows;

/// <summary>The current state of a room, one row per key; membership is copied out so "rooms of a user" is one index scan.</summary>
public sealed class CurrentStateRow
{
    public required string RoomId { get; set; }
    public required string Type { get; set; }
    public required string StateKey { get; set; }
    public required string EventId { get; set; }
    public string? Membership { get; set; }
}
