using System.Diagnostics.CodeAnalysis;
using Messenger.Federation.Protocol.RoomVersions;

namespace Messenger.Federation.Protocol.Identifiers;

/// <summary>
/// A room id (appendix, "Room IDs"): <c>!opaque_id:server_name</c> up to room version 11, or, from version 12,
/// <c>!</c> followed by the URL-safe reference hash of the <c>m.room.create</c> event (its event id with <c>!</c> for <c>$</c>).
/// At most 255 bytes either way.
/// </summary>
public readonly record struct RoomId
{
    private RoomId(string value, string opaqueId, ServerName? serverName)
    {
        Value = value;
        OpaqueId = opaqueId;
        ServerName = serverName;
    }

    public string Value { get; }

    /// <summary>The part after <c>!</c> and before the domain (the whole hash for a domain-less id).</summary>
    public string OpaqueId { get; }

    /// <summary>The domain of a room id of version 11 or earlier; null for a domain-less (v12) id.</summary>
    public ServerName? ServerName { get; }

    public override string ToString() => Value;

    /// <summary>Parses either form, without knowing the room version.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out RoomId id)
    {
        id = default;
        if (text is null || text.Length < 2 || text[0] != '!' || !IdentifierText.FitsLimit(text)) return false;
        var colon = text.IndexOf(':');
        if (colon < 0)
        {
            var opaque = text[1..];
            if (!IdentifierText.IsOpaqueLocalpart(opaque)) return false;
            id = new RoomId(text, opaque, null);
            return true;
        }
        var local = text[1..colon];
        if (!IdentifierText.IsOpaqueLocalpart(local)) return false;
        if (!Identifiers.ServerName.TryParse(text[(colon + 1)..], out var server)) return false;
        id = new RoomId(text, local, server);
        return true;
    }

    /// <summary>Parses a room id in the form the room version prescribes.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, RoomVersion version, out RoomId id)
    {
        if (TryParse(text, out id) && id.IsValidFor(version)) return true;
        id = default;
        return false;
    }

    /// <summary>v12+: domain-less URL-safe hash; earlier: must carry a domain.</summary>
    public bool IsValidFor(RoomVersion version) =>
        version.RoomIdFromCreateEvent
            ? ServerName is null && IdentifierText.IsHashBase64(OpaqueId, urlSafe: true)
            : ServerName is not null;

    /// <summary>The room id of a room version 12 room: the create event's id with <c>!</c> instead of <c>$</c>.</summary>
    public static RoomId FromCreateEventId(string createEventId)
    {
        if (!createEventId.StartsWith('$')) throw new ArgumentException("an event id starts with '$'", nameof(createEventId));
        var text = "!" + createEventId[1..];
        return TryParse(text, out var id) ? id : throw new ArgumentException($"'{createEventId}' cannot name a room", nameof(createEventId));
    }
}
