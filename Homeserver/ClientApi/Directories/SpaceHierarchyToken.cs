using System.Globalization;
using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.ClientApi.Directories;

/// <summary>
/// A <c>next_batch</c> of <c>/hierarchy</c>: how many visible rooms earlier pages returned, and the parameters the walk
/// was started with, which "cannot be changed from the first request". The walk is deterministic for a given room
/// state, so the next page walks again and skips what was returned: no session is kept on the server.
/// Format <c>{skip}_{maxDepth}_{s|a}_{rootRoomId}</c>; opaque to clients.
/// </summary>
public sealed record SpaceHierarchyToken(int Skip, int MaxDepth, bool SuggestedOnly, string RootRoomId)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Skip}_{MaxDepth}_{(SuggestedOnly ? 's' : 'a')}_{RootRoomId}");

    /// <summary>Parses a token; one this server did not issue is 400 <c>M_INVALID_PARAM</c>.</summary>
    public static SpaceHierarchyToken Parse(string token)
    {
        var parts = token.Split('_', 4);
        if (parts.Length != 4
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var skip)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var depth)
            || parts[2] is not ("s" or "a") || !parts[3].StartsWith('!'))
            throw MatrixError.InvalidParam("Unknown pagination token");
        return new SpaceHierarchyToken(skip, depth, parts[2] == "s", parts[3]);
    }
}
