namespace Messenger.Homeserver.RoomServer.Remote;

/// <summary>The outcome for one received event; <see cref="EventId"/> is null when the PDU was too broken to have one.</summary>
public sealed record IngestResult(string? EventId, IngestOutcome Outcome, string? Reason = null)
{
    /// <summary>
    /// Whether the sending server should see an error for it in <c>PUT /send</c>'s <c>pdus</c>: only when it was not
    /// stored. A rejected event is stored and, per "Rejection", does not make the transaction fail.
    /// </summary>
    public bool IsError => Outcome == IngestOutcome.Dropped;

    /// <summary>Dropped because some auth events are unknown (their chain can be fetched from the sender).</summary>
    public bool MissingAuthEvents { get; init; }

    /// <summary>Dropped because some prev events are unknown or known without state (the gap can be fetched from the sender).</summary>
    public bool MissingPrevEvents { get; init; }
}
