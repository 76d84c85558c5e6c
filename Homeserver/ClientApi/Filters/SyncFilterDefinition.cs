using System.Text.Json.Nodes;
using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.ClientApi.Filters;

/// <summary>
/// A whole sync <c>Filter</c> ("Filtering", sync_filter): the room part (rooms, timeline, state, ephemeral,
/// account data, <c>include_leave</c>), the top-level account data and presence filters, and <c>event_fields</c>.
/// Parsing validates the shape, so a bad filter is refused when uploaded, not when used.
/// </summary>
public sealed record SyncFilterDefinition
{
    public const int DefaultTimelineLimit = 10;
    public static readonly SyncFilterDefinition Default = new();

    public RoomEventFilter Timeline { get; init; } = RoomEventFilter.All;
    public RoomEventFilter State { get; init; } = RoomEventFilter.All;
    public RoomEventFilter Ephemeral { get; init; } = RoomEventFilter.All;
    public RoomEventFilter RoomAccountData { get; init; } = RoomEventFilter.All;
    public RoomEventFilter AccountData { get; init; } = RoomEventFilter.All;
    public RoomEventFilter Presence { get; init; } = RoomEventFilter.All;
    public IReadOnlyList<string>? Rooms { get; init; }
    public IReadOnlyList<string> NotRooms { get; init; } = [];
    public bool IncludeLeave { get; init; }
    public IReadOnlyList<string>? EventFields { get; init; }

    public int TimelineLimit => Math.Clamp(Timeline.Limit ?? DefaultTimelineLimit, 1, 1000);

    /// <summary>Lazy-loading members applies through the state filter (as Synapse reads it) or the timeline filter.</summary>
    public bool LazyLoadMembers => State.LazyLoadMembers || Timeline.LazyLoadMembers;

    public bool IncludeRedundantMembers => State.IncludeRedundantMembers || Timeline.IncludeRedundantMembers;

    public bool AllowsRoom(string roomId) => !NotRooms.Contains(roomId) && (Rooms is null || Rooms.Contains(roomId));

    public static SyncFilterDefinition Parse(JsonObject? json)
    {
        if (json is null) return Default;
        var room = json["room"] switch
        {
            null => null,
            JsonObject o => o,
            _ => throw MatrixError.BadJson("room must be an object"),
        };
        var eventFields = RoomEventFilter.Strings(json, "event_fields", "filter");
        if (json["event_format"] is { } format && (format is not JsonValue f || !f.TryGetValue(out string? formatText) || formatText is not ("client" or "federation")))
            throw MatrixError.BadJson("event_format must be 'client' or 'federation'");
        return new SyncFilterDefinition
        {
            Timeline = RoomEventFilter.Parse(room?["timeline"], "room.timeline"),
            State = RoomEventFilter.Parse(room?["state"], "room.state"),
            Ephemeral = RoomEventFilter.Parse(room?["ephemeral"], "room.ephemeral"),
            RoomAccountData = RoomEventFilter.Parse(room?["account_data"], "room.account_data"),
            AccountData = RoomEventFilter.Parse(json["account_data"], "account_data"),
            Presence = RoomEventFilter.Parse(json["presence"], "presence"),
            Rooms = room is null ? null : RoomEventFilter.Strings(room, "rooms", "room"),
            NotRooms = (room is null ? null : RoomEventFilter.Strings(room, "not_rooms", "room")) ?? [],
            IncludeLeave = (room is null ? null : RoomEventFilter.Bool(room, "include_leave", "room")) ?? false,
            EventFields = eventFields,
        };
    }
}
