using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.RoomServer.Remote;

/// <summary>An event the room server knows (stored, or decided earlier in the same batch), with its kind and state groups.</summary>
public sealed record StoredEvent(Pdu Pdu, EventKind Kind, long StateGroupBefore, long StateGroupAfter)
{
    /// <summary>Whether the state after this event is known: not for outliers, nor for a rejected event whose state before was never worked out.</summary>
    public bool HasState => Kind != EventKind.Outlier && (StateGroupAfter != 0 || Pdu.Type == EventTypes.Create);
}
