using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.RoomServer.Remote;

/// <summary>
/// What one ingest of received events stores in one transaction: outliers (events known without their state), the
/// decided events in order, the state groups they need, and the room after them (current state, forward extremities,
/// current state group). <see cref="NewRoom"/> is inserted with them when the batch brings the room to this server (a join).
/// <see cref="RelayFrom"/>: the origin of a membership handshake whose accepted events we, the resident server, pass on
/// to the other servers of the room in the same transaction.
/// </summary>
public sealed record RemotePersistBatch(
    RoomSnapshot Before,
    RoomSnapshot After,
    IReadOnlyList<Pdu> Outliers,
    IReadOnlyList<IngestedEvent> Events,
    IReadOnlyList<PendingStateGroup> Groups,
    RoomRow? NewRoom = null,
    string? RelayFrom = null);
