using System.Text.Json.Nodes;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>Body of <c>POST /createRoom</c>.</summary>
public sealed record CreateRoomRequest(
    string? Visibility,
    string? RoomAliasName,
    string? Name,
    string? Topic,
    List<string>? Invite,
    List<JsonObject>? Invite3pid,
    string? RoomVersion,
    JsonObject? CreationContent,
    List<InitialStateEvent>? InitialState,
    string? Preset,
    bool? IsDirect,
    JsonObject? PowerLevelContentOverride);

/// <summary>One entry of <c>initial_state</c>.</summary>
public sealed record InitialStateEvent(string? Type, string? StateKey, JsonObject? Content);
