using Messenger.Federation.Protocol.Identifiers;

namespace Messenger.Federation.Protocol.Auth;

/// <summary>
/// The id checks the auth rules need: "is a user id" (power levels' <c>users</c> keys; v12 <c>additional_creators</c>),
/// accepting historical ids (appendices "Historical User IDs") as rooms still contain them; and the domain of an id,
/// compared as text (rules on <c>m.federate</c>, aliases, create and v1–2 redactions).
/// </summary>
internal static class UserIdSyntax
{
    public static bool IsValid(string? id) => UserId.TryParse(id, out _);

    /// <summary>The part after the first <c>:</c> of a user, room (v1–11) or event (v1–2) id; empty when there is none.</summary>
    public static ReadOnlySpan<char> Domain(string? id)
    {
        if (id is null) return [];
        var colon = id.IndexOf(':');
        return colon < 0 ? [] : id.AsSpan(colon + 1);
    }
}
