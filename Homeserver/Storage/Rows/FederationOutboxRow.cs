namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// One item waiting for a destination, in order of <see cref="Id"/>: a local event, by its position in the event
/// stream (never a copy of it), or an EDU with its content. <see cref="TxnId"/> is set once the item is part of a
/// transaction being sent, which is retried with the same id and items until the destination answers 200.
/// </summary>
public sealed class FederationOutboxRow
{
    public long Id { get; set; }
    public required string Destination { get; set; }
    public long? StreamOrdering { get; set; }
    public string? EduType { get; set; }
    public string? EduJson { get; set; }
    public string? TxnId { get; set; }
    public long CreatedTs { get; set; }
}
