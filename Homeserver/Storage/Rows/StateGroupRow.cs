namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// An immutable snapshot of room state, stored as a delta on <see cref="PrevGroup"/> (a full snapshot when null).
/// Chains are cut at a bounded length so that reading any state costs a bounded number of rows.
/// </summary>
public sealed class StateGroupRow
{
    public long Id { get; set; }
    public required string RoomId { get; set; }
    public long? PrevGroup { get; set; }

    /// <summary>How many deltas lie between this group and its full snapshot.</summary>
    public int ChainLength { get; set; }
}
