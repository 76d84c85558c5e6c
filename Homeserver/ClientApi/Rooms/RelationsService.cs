using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>"Relationships API": the child events of a parent event, paginated like <c>/messages</c>.</summary>
public sealed class RelationsService(RelationsStore relations, RoomStore rooms, RoomAccess access, ClientEventFormatter formatter, StreamPositions positions)
{
    /// <summary>"Homeservers SHOULD traverse at least 3 levels of relationships" when asked to recurse.</summary>
    public const int RecursionDepth = 3;

    private const int DefaultLimit = 5;
    private const int MaxLimit = 1000;

    /// <summary>
    /// GET /_matrix/client/v1/rooms/{roomId}/relations/{eventId}[/{relType}[/{eventType}]]: the live children, most
    /// recent first (<c>dir=b</c>, the default) or oldest first, starting at <c>from</c> and stopping at <c>to</c>
    /// (any <c>/messages</c> or <c>/sync</c> token). With <c>recurse</c> the filters apply at every level, so an event
    /// reached only through a non-matching one is left out. Unknown parent, or one in another room: <c>M_NOT_FOUND</c>.
    /// History visibility applies to the parent (not visible: <c>M_NOT_FOUND</c>) and to every child.
    /// </summary>
    public async Task<JsonObject> GetRelationsAsync(Requester requester, string roomId, string eventId, RelationsRequest request, CancellationToken ct)
    {
        var view = await access.RequireReadableAsync(roomId, requester.UserId, ct);
        var snapshot = view.Snapshot;
        var parent = await rooms.EventRowAsync(eventId, ct);
        if (parent is null || parent.RoomId != roomId || !await access.IsVisibleAsync(requester.UserId, view, parent, ct))
            throw MatrixError.NotFound("Event not found");
        var backwards = request.Dir switch
        {
            null or "b" => true,
            "f" => false,
            _ => throw MatrixError.InvalidParam("dir must be 'b' or 'f'"),
        };
        if (request.Limit < 0) throw MatrixError.InvalidParam("limit must not be negative");
        var limit = Math.Min(request.Limit ?? DefaultLimit, MaxLimit);
        var start = ParseToken(request.From, "from") ?? (backwards ? PaginationToken.End : PaginationToken.Start);
        var stop = ParseToken(request.To, "to");

        var upTo = view.UpTo(positions.Current);
        IReadOnlyCollection<string> parents = [eventId];
        if (request.Recurse == true) parents = await ParentsToDepthAsync(roomId, eventId, request, upTo, ct);
        var rows = await relations.ChildrenPageAsync(roomId, parents, request.RelType, request.EventType,
            new RelationsPosition(start.Depth, start.Stream, start.StreamOnly), backwards, limit, upTo, ct);
        if (stop is { } bound)
        {
            rows = rows.TakeWhile(r => backwards
                ? (r.Depth, r.StreamOrdering).CompareTo((bound.Depth, bound.Stream)) >= 0
                : (r.Depth, r.StreamOrdering).CompareTo((bound.Depth, bound.Stream)) < 0).ToList();
        }

        var page = rows;
        rows = await access.VisibleAsync(requester.UserId, view, rows, ct);
        var chunk = await formatter.FormatAsync(rows, snapshot.Version, requester.UserId, requester.DeviceId, ct);
        var response = new JsonObject { ["chunk"] = new JsonArray(chunk.ToArray<JsonNode>()) };
        if (page.Count == limit && limit > 0)
        {
            var last = page[^1];
            response["next_batch"] = (backwards ? PaginationToken.Before(last.Depth, last.StreamOrdering) : PaginationToken.After(last.Depth, last.StreamOrdering)).ToString();
        }
        if (request.From is not null) response["prev_batch"] = request.From;
        if (request.Recurse is { } recurse) response["recursion_depth"] = recurse ? RecursionDepth : 1;
        return response;
    }

    /// <summary>
    /// The parent and its matching descendants down to one level above <see cref="RecursionDepth"/>: the children of
    /// these are every matching event within that depth. A visited set guards against cycles a remote server could forge.
    /// </summary>
    private async Task<IReadOnlyCollection<string>> ParentsToDepthAsync(string roomId, string eventId, RelationsRequest request, long upTo, CancellationToken ct)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal) { eventId };
        List<string> level = [eventId];
        for (var depth = 1; depth < RecursionDepth && level.Count > 0; depth++)
        {
            level = (await relations.ChildIdsAsync(roomId, level, request.RelType, request.EventType, upTo, ct)).Where(visited.Add).ToList();
        }
        return visited;
    }

    private static PaginationToken? ParseToken(string? text, string name)
    {
        if (text is null) return null;
        return PaginationToken.TryParse(text, out var token) ? token : throw MatrixError.InvalidParam($"Invalid {name} token");
    }
}
