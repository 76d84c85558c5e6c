namespace Messenger.Homeserver.Storage.Rows;

/// <summary>A destination's sending state: consecutive failures, when to try again, and the transaction counter.</summary>
public sealed class FederationDestinationRow
{
    public required string Destination { get; set; }
    public int Failures { get; set; }
    public long RetryAtTs { get; set; }
    public long TxnCounter { get; set; }
}
