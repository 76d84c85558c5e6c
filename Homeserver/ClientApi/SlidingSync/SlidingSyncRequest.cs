using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.ClientApi.SlidingSync;

/// <summary>
/// A validated sliding sync request (MSC4186, "Request Body"): the connection it continues, how long it may wait, and
/// the rules (lists, room subscriptions) and extensions that shape the response. The client sends the whole request
/// every time (nothing is sticky), so a response is a function of this request and the connection's state.
/// </summary>
public sealed record SlidingSyncRequest(
    string ConnId,
    string? TxnId,
    string? Pos,
    TimeSpan Timeout,
    IReadOnlyList<SlidingList> Lists,
    IReadOnlyDictionary<string, RoomConfig> Subscriptions,
    SlidingExtensions Extensions)
{
    /// <summary>"Max lists: 100."</summary>
    public const int MaxLists = 100;

    /// <summary>The server may cap <c>timeline_limit</c>; one page of <c>/messages</c> at most.</summary>
    public const int MaxTimelineLimit = 1000;

    public const int MaxConnIdLength = 100;

    /// <summary>Validates a bound body. <paramref name="queryPos"/>/<paramref name="queryTimeout"/> win over the body's.</summary>
    public static SlidingSyncRequest From(SlidingSyncBody body, string userId, string? queryPos, long? queryTimeout, TimeSpan maxTimeout)
    {
        var connId = body.ConnId ?? "";
        if (connId.Length > MaxConnIdLength) throw MatrixError.InvalidParam($"conn_id is longer than {MaxConnIdLength} characters");
        var lists = body.Lists ?? [];
        if (lists.Count > MaxLists) throw MatrixError.InvalidParam($"At most {MaxLists} lists");
        var timeoutMs = queryTimeout ?? body.Timeout ?? 0;
        if (timeoutMs < 0) throw MatrixError.InvalidParam("timeout must not be negative");

        var parsedLists = lists.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new SlidingList(kv.Key, Config(kv.Value.TimelineLimit, kv.Value.RequiredState, userId, $"lists.{kv.Key}"),
                Ranges(kv.Value, kv.Key), Filter(kv.Value.Filters)))
            .ToList();
        var subscriptions = new Dictionary<string, RoomConfig>(StringComparer.Ordinal);
        foreach (var (roomId, config) in body.RoomSubscriptions ?? [])
        {
            if (config is null) throw MatrixError.BadJson($"room_subscriptions.{roomId} must be an object");
            subscriptions[roomId] = Config(config.TimelineLimit, config.RequiredState, userId, $"room_subscriptions.{roomId}");
        }
        return new SlidingSyncRequest(connId, body.TxnId, queryPos ?? body.Pos,
            TimeSpan.FromMilliseconds(Math.Min(timeoutMs, (long)maxTimeout.TotalMilliseconds)),
            parsedLists, subscriptions, SlidingExtensions.From(body.Extensions));
    }

    private static RoomConfig Config(long? timelineLimit, List<List<string>>? requiredState, string userId, string where)
    {
        if (timelineLimit is not { } limit) throw MatrixError.MissingParam($"{where}.timeline_limit");
        if (limit < 0) throw MatrixError.InvalidParam($"{where}.timeline_limit must not be negative");
        return new RoomConfig((int)Math.Min(limit, MaxTimelineLimit), RequiredStateSpec.Parse(requiredState, userId));
    }

    private static List<(int, int)>? Ranges(SlidingListBody list, string name)
    {
        if (list is null) throw MatrixError.BadJson($"lists.{name} must be an object");
        var raw = list.Ranges ?? (list.Range is { } single ? [single] : null);
        if (raw is null) return null;
        var ranges = new List<(int, int)>();
        foreach (var range in raw)
        {
            if (range is not [var start, var end]) throw MatrixError.BadJson($"lists.{name}.ranges entries must be [start, end] pairs");
            if (start < 0 || end < start) throw MatrixError.InvalidParam($"lists.{name}.ranges: invalid range [{start}, {end}]");
            ranges.Add(((int)Math.Min(start, int.MaxValue), (int)Math.Min(end, int.MaxValue)));
        }
        return ranges;
    }

    private static SlidingRoomFilter Filter(SlidingFilterBody? filters) => filters is null
        ? SlidingRoomFilter.None
        : new SlidingRoomFilter(filters.IsDm, filters.IsEncrypted, filters.IsInvite ?? filters.IsInvited, filters.RoomTypes, filters.NotRoomTypes, filters.Spaces,
            filters.Tags, filters.NotTags);
}
