using System.Diagnostics.CodeAnalysis;
using Messenger.Federation.Protocol.RoomVersions;

namespace Messenger.Federation.Protocol.Identifiers;

/// <summary>
/// An event id (appendix, "Event IDs"), at most 255 bytes, in the form its room version prescribes:
/// <c>$opaque_id:server_name</c> (v1–2), <c>$</c> + standard unpadded base64 of the reference hash (v3),
/// <c>$</c> + URL-safe unpadded base64 of the reference hash (v4+).
/// </summary>
public readonly record struct EventId
{
    private EventId(string value, ServerName? serverName)
    {
        Value = value;
        ServerName = serverName;
    }

    public string Value { get; }

    /// <summary>The domain of a v1–2 event id (whose server must also sign the event); null for hash ids.</summary>
    public ServerName? ServerName { get; }

    public override string ToString() => Value;

    public static bool IsValid([NotNullWhen(true)] string? text, RoomVersion version) => TryParse(text, version, out _);

    public static bool TryParse([NotNullWhen(true)] string? text, RoomVersion version, out EventId id)
    {
        id = default;
        if (text is null || text.Length < 2 || text[0] != '$' || !IdentifierText.FitsLimit(text)) return false;
        switch (version.EventFormat)
        {
            case EventFormat.V1:
                var colon = text.IndexOf(':');
                if (colon < 0 || !IdentifierText.IsOpaqueLocalpart(text.AsSpan(1, colon - 1))) return false;
                if (!Identifiers.ServerName.TryParse(text[(colon + 1)..], out var server)) return false;
                id = new EventId(text, server);
                return true;
            case EventFormat.V2:
                if (!IdentifierText.IsHashBase64(text.AsSpan(1), urlSafe: false)) return false;
                id = new EventId(text, null);
                return true;
            default:
                if (!IdentifierText.IsHashBase64(text.AsSpan(1), urlSafe: true)) return false;
                id = new EventId(text, null);
                return true;
        }
    }
}
