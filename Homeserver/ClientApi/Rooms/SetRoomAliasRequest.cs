namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>Body of <c>PUT /directory/room/{roomAlias}</c>.</summary>
public sealed record SetRoomAliasRequest(string? RoomId);
