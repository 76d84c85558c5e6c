using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.RoomServer.Remote;

/// <summary>What a <see cref="RemoteEventBatch"/> reads and allocates with: stored events and state groups, state resolution, group ids.</summary>
public sealed record RemoteBatchServices(RoomStore Rooms, RoomEventLoader Loader, RoomStateResolver Resolver, StreamPositions Positions);
