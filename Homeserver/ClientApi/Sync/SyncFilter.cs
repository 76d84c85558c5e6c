using System.Text.Json.Nodes;

namespace Messenger.Homeserver.ClientApi.Sync;

/// <summary>
/// The parts of a filter ("Filtering") sync honours so far: the timeline limit and <c>include_leave</c>.
/// Other filter fields are kept by the filter store and applied as they are implemented (issue #4).
/// </summary>
public sealed record SyncFilter(int TimelineLimit, bool IncludeLeave)
{
    public const int DefaultTimelineLimit = 10;

    public static readonly SyncFilter Default = new(DefaultTimelineLimit, false);

    public static SyncFilter From(JsonObject? filter)
    {
        if (filter is null) return Default;
        var room = filter["room"] as JsonObject;
        var limit = room?["timeline"]?["limit"] is JsonValue l && l.TryGetValue(out int value) ? value : DefaultTimelineLimit;
        var includeLeave = room?["include_leave"] is JsonValue i && i.TryGetValue(out bool flag) && flag;
        return new SyncFilter(Math.Clamp(limit, 1, 1000), includeLeave);
    }
}
