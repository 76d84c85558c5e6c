namespace Messenger.Homeserver.RoomServer.Remote;

/// <summary>What became of one received event.</summary>
public enum IngestOutcome
{
    /// <summary>Accepted into the timeline.</summary>
    Accepted,

    /// <summary>Stored but hidden: it does not pass auth against the current state ("Soft failure").</summary>
    SoftFailed,

    /// <summary>Stored as rejected: it fails auth against its auth events or the state before it ("Rejection").</summary>
    Rejected,

    /// <summary>Not stored: bad format, bad signature, or the events needed to judge it are unknown.</summary>
    Dropped,

    /// <summary>Already stored (a repeated transaction, or an event received twice).</summary>
    AlreadyKnown,
}
