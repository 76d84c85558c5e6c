using System.Collections.Immutable;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.SlidingSync;

/// <summary>
/// What one room contributes before formatting: its timeline rows, the state event ids to send, the state at the
/// response's end for the room (for name, avatar and heroes) and whether those and the member summary changed.
/// </summary>
public sealed record RoomSlice(
    RoomPlan Plan,
    RoomVersion Version,
    List<EventRow> Timeline,
    bool Limited,
    List<string> StateIds,
    ImmutableDictionary<StateKey, string> StateAtEnd,
    bool NameOrAvatarChanged,
    bool MembersChanged,
    long End,
    ImmutableDictionary<string, string> LazyMembers)
{
    public string RoomId => Plan.Room.RoomId;

    public string? NameEventId => StateAtEnd.GetValueOrDefault(new StateKey(EventTypes.Name, ""));

    public string? AvatarEventId => StateAtEnd.GetValueOrDefault(new StateKey("m.room.avatar", ""));
}
