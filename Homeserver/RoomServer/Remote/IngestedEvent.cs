using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.RoomServer.Remote;

/// <summary>
/// A received event with the room server's verdict on it (timeline, soft-failed or rejected) and the state groups
/// before and after it. After equals before unless it is an accepted state event; a rejected event never changes state
/// ("Rejection": the state is calculated "except not updating with the rejected event").
/// </summary>
public sealed record IngestedEvent(Pdu Pdu, EventKind Kind, long StateGroupBefore, long StateGroupAfter, string? ReplacesState, string? RejectionReason = null)
{
    /// <summary>For an accepted redaction whose sender may redact the target (same server, or the redact power level): the target.</summary>
    public string? RedactionTarget { get; init; }

    /// <summary>A redaction stored before this event arrived (its target unknown then) that takes effect on it now.</summary>
    public string? RedactedBy { get; init; }
}
