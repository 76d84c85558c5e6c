namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// The single row saying up to which event stream position local events have been queued for their destinations.
/// Advanced in the same transaction as the queue rows it covers, so a crash neither loses nor repeats an event.
/// </summary>
public sealed class FederationFanoutRow
{
    public int Id { get; set; }
    public long Position { get; set; }
}
