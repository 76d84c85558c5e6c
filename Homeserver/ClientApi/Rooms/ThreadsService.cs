using System.Globalization;
using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>"Querying threads in a room": the thread roots of a room, most recently active first.</summary>
public sealed class ThreadsService(RelationsStore relations, RoomAccess access, ClientEventFormatter formatter, StreamPositions positions)
{
    private const int DefaultLimit = 20;
    private const int MaxLimit = 100;

    /// <summary>
    /// GET /_matrix/client/v1/rooms/{roomId}/threads: roots ordered by their thread's latest event, each with its bundled
    /// aggregations; <c>include=participated</c> keeps threads the caller started or wrote in. <c>next_batch</c> is the
    /// activity position of the page's last thread, written <c>a{stream}</c>; an unknown token is <c>M_INVALID_PARAM</c>.
    /// </summary>
    public async Task<JsonObject> GetThreadsAsync(Requester requester, string roomId, string? include, string? from, int? limit, CancellationToken ct)
    {
        var snapshot = await access.RequireJoinedAsync(roomId, requester.UserId, ct);
        var participant = include switch
        {
            null or "all" => null,
            "participated" => requester.UserId,
            _ => throw MatrixError.InvalidParam("include must be 'all' or 'participated'"),
        };
        if (limit is <= 0) throw MatrixError.InvalidParam("limit must be greater than zero");
        var size = Math.Min(limit ?? DefaultLimit, MaxLimit);
        var before = long.MaxValue;
        if (from is not null && !TryParseToken(from, out before)) throw MatrixError.InvalidParam("Unknown pagination token");

        var page = await relations.ThreadsPageAsync(roomId, participant, before, size, positions.Current, ct);
        var chunk = await formatter.FormatAsync(page.Select(t => t.Root).ToList(), snapshot.Version, requester.UserId, requester.DeviceId, ct);
        var response = new JsonObject { ["chunk"] = new JsonArray(chunk.ToArray<JsonNode>()) };
        if (page.Count == size) response["next_batch"] = "a" + page[^1].Activity.ToString(CultureInfo.InvariantCulture);
        return response;
    }

    private static bool TryParseToken(string text, out long stream)
    {
        stream = 0;
        return text.Length > 1 && text[0] == 'a' && long.TryParse(text.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out stream);
    }
}
