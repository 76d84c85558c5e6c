namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>Body of <c>POST /rooms/{roomId}/upgrade</c>.</summary>
public sealed record UpgradeRoomRequest(string? NewVersion, List<string>? AdditionalCreators);
