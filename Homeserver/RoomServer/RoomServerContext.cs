using Messenger.Federation.Protocol.Keys;

namespace Messenger.Homeserver.RoomServer;

/// <summary>The process-wide parts of the room server, grouped: locks, caches, the notifier, the membership observers and the server's identity.</summary>
public sealed record RoomServerContext(
    string ServerName,
    ServerSigningKey SigningKey,
    RoomLocks Locks,
    RoomSnapshots Snapshots,
    EventCache Events,
    EventNotifier Notifier,
    StreamPositions Positions,
    TimeProvider Time,
    JoinedMembers Members,
    MembershipObservers Memberships);
