using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;

namespace Messenger.Federation.Protocol.Auth;

/// <summary>
/// Who created a room, read from its <c>m.room.create</c> event as the room version defines it:
/// <c>content.creator</c> in v1–10, the sender from v11 (rooms/v11 "Remove the creator property"), and in v12 the sender
/// plus <c>content.additional_creators</c>, all with infinite power (rooms/v12 "Authorization rules", room creators note).
/// </summary>
public static class RoomCreators
{
    /// <summary>The user the "only previous event is the create event" join rule and the no-power-levels default of 100 refer to.</summary>
    public static string? Creator(Pdu create) =>
        create.RoomVersion.CreateEventHasCreator ? create.Content["creator"] is JsonValue v && v.TryGetValue(out string? c) ? c : null
        : create.Sender;

    /// <summary>v12: the create event's sender or one of its <c>additional_creators</c>. Always false before v12.</summary>
    public static bool IsPrivileged(Pdu create, string userId)
    {
        if (!create.RoomVersion.PrivilegedCreators) return false;
        if (string.Equals(create.Sender, userId, StringComparison.Ordinal)) return true;
        if (create.Content["additional_creators"] is not JsonArray additional) return false;
        foreach (var node in additional)
        {
            if (node is JsonValue v && v.TryGetValue(out string? id) && string.Equals(id, userId, StringComparison.Ordinal)) return true;
        }
        return false;
    }
}
