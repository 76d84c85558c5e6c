namespace Messenger.Homeserver.RoomServer.Remote;

/// <summary>A <c>/state_ids</c> answer: the ids of the state before an event, and of that state's auth chain.</summary>
public sealed record RemoteStateIds(IReadOnlyList<string> StateIds, IReadOnlyList<string> AuthChainIds);
