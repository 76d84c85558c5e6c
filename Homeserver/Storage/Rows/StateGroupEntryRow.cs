namespace Messenger.Homeserver.Storage.Rows;

/// <summary>One key of a state group's delta; a null event id removes the key (a state reset can drop one).</summary>
public sealed class StateGroupEntryRow
{
    public long GroupId { get; set; }
    public required string Type { get; set; }
    public required string StateKey { get; set; }
    public string? EventId { get; set; }
}
