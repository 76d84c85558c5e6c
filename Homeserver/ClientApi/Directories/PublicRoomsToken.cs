using System.Globalization;
using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.ClientApi.Directories;

/// <summary>
/// A <c>next_batch</c>/<c>prev_batch</c> of the published room directory: the sort key of the room the page ends at
/// and the direction to continue in ("The direction of pagination is specified solely by which token is supplied").
/// A position by key rather than by offset, so rooms published or growing meanwhile shift no page by one.
/// Format <c>n{members}_{roomId}</c> (rooms after it) or <c>p{members}_{roomId}</c> (rooms before it); opaque to clients.
/// </summary>
public sealed record PublicRoomsToken(bool Forwards, int JoinedMembers, string RoomId)
{
    public override string ToString() => $"{(Forwards ? 'n' : 'p')}{JoinedMembers.ToString(CultureInfo.InvariantCulture)}_{RoomId}";

    /// <summary>Parses a token; anything this server did not issue is 400 <c>M_INVALID_PARAM</c>.</summary>
    public static PublicRoomsToken Parse(string token)
    {
        var separator = token.IndexOf('_');
        if (token.Length < 4 || token[0] is not ('n' or 'p') || separator < 2
            || !int.TryParse(token.AsSpan(1, separator - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var members)
            || !token.AsSpan(separator + 1).StartsWith("!"))
            throw MatrixError.InvalidParam("Invalid pagination token");
        return new PublicRoomsToken(token[0] == 'n', members, token[(separator + 1)..]);
    }
}
