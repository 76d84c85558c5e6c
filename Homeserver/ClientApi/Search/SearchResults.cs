using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.ClientApi.Rooms;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Search;

/// <summary>
/// The <c>results</c> of a <c>room_events</c> search as clients get them: each hit as a client event with its
/// <c>rank</c> and, when asked, its <c>context</c> (neighbouring events the user may see, pagination tokens and the
/// senders' profiles as they were then), plus <c>groups</c> and the rooms' current <c>state</c>.
/// </summary>
public sealed class SearchResults(RoomStore rooms, RoomEventPipeline pipeline, ClientEventFormatter formatter, StreamPositions positions)
{
    public async Task<JsonObject> BuildAsync(Requester requester, SearchCriteria criteria, IReadOnlyList<SearchHit> hits, IReadOnlyList<SearchWindow> windows, CancellationToken ct)
    {
        var rows = (await rooms.EventRowsAsync(hits.Select(h => h.EventId).ToList(), ct)).ToDictionary(r => r.EventId);
        var entries = new JsonArray();
        var shown = new List<EventRow>();
        foreach (var hit in hits)
        {
            // contains_url is the one filter field the index cannot apply; a row may also vanish with its room.
            if (!rows.TryGetValue(hit.EventId, out var row) || await pipeline.SnapshotAsync(row.RoomId, ct) is not { } room) continue;
            var content = JsonNode.Parse(row.Json)?["content"] as JsonObject;
            if (!criteria.Filter.Allows(row.Type, row.Sender, content)) continue;
            var entry = new JsonObject
            {
                ["rank"] = hit.Rank,
                ["result"] = (await formatter.FormatAsync([row], room.Version, requester.UserId, requester.DeviceId, ct))[0],
            };
            if (criteria.Context is { } context) entry["context"] = await ContextAsync(requester, row, room, context, windows, ct);
            entries.Add(entry);
            shown.Add(row);
        }

        var response = new JsonObject { ["results"] = entries };
        if (criteria.GroupBy.Count > 0) response["groups"] = Groups(criteria.GroupBy, shown);
        if (criteria.IncludeState) response["state"] = await StateAsync(requester, shown.Select(r => r.RoomId).Distinct(), ct);
        return response;
    }

    private async Task<JsonObject> ContextAsync(Requester requester, EventRow row, RoomSnapshot room, SearchContextRequest request, IReadOnlyList<SearchWindow> windows, CancellationToken ct)
    {
        bool Visible(EventRow e) => windows.Any(w => w.RoomId == e.RoomId && e.StreamOrdering >= w.From && e.StreamOrdering <= w.To);
        var upTo = positions.Current;
        var before = request.BeforeLimit == 0 ? [] : (await rooms.PageAsync(row.RoomId, row.Depth, row.StreamOrdering, backwards: true, request.BeforeLimit, upTo, ct)).Where(Visible).ToList();
        var after = request.AfterLimit == 0 ? [] : (await rooms.PageAsync(row.RoomId, row.Depth, row.StreamOrdering + 1, backwards: false, request.AfterLimit, upTo, ct)).Where(Visible).ToList();
        var formatted = await formatter.FormatAsync([.. before, .. after], room.Version, requester.UserId, requester.DeviceId, ct);
        var oldest = before.Count > 0 ? before[^1] : row;
        var last = after.Count > 0 ? after[^1] : row;
        var context = new JsonObject
        {
            ["events_before"] = new JsonArray([.. formatted.Take(before.Count)]),
            ["events_after"] = new JsonArray([.. formatted.Skip(before.Count)]),
            ["start"] = PaginationToken.Before(oldest.Depth, oldest.StreamOrdering).ToString(),
            ["end"] = PaginationToken.After(last.Depth, last.StreamOrdering).ToString(),
        };
        if (request.IncludeProfile) context["profile_info"] = await ProfilesAsync(last, before.Concat(after).Append(row).Select(e => e.Sender), ct);
        return context;
    }

    /// <summary>Display name and avatar of each sender from the member events in the room's state at <paramref name="at"/>.</summary>
    private async Task<JsonObject> ProfilesAsync(EventRow at, IEnumerable<string> senders, CancellationToken ct)
    {
        var state = await rooms.StateGroupAsync(at.StateGroupAfter, ct);
        var memberEvents = senders.Distinct().Select(s => state.GetValueOrDefault(new StateKey(EventTypes.Member, s))).OfType<string>().ToList();
        var profiles = new JsonObject();
        foreach (var member in await rooms.EventRowsAsync(memberEvents, ct))
        {
            var content = JsonNode.Parse(member.Json)?["content"];
            var profile = new JsonObject();
            if (content?["displayname"] is JsonValue name && name.TryGetValue(out string? displayName)) profile["displayname"] = displayName;
            if (content?["avatar_url"] is JsonValue avatar && avatar.TryGetValue(out string? avatarUrl)) profile["avatar_url"] = avatarUrl;
            profiles[member.StateKey!] = profile;
        }
        return profiles;
    }

    private static JsonObject Groups(IReadOnlyList<string> groupBy, IReadOnlyList<EventRow> shown)
    {
        var groups = new JsonObject();
        foreach (var key in groupBy.Distinct())
        {
            var byValue = new JsonObject();
            foreach (var group in shown.GroupBy(r => key == "room_id" ? r.RoomId : r.Sender))
            {
                byValue[group.Key] = new JsonObject
                {
                    ["order"] = byValue.Count + 1,
                    ["results"] = new JsonArray([.. group.Select(r => JsonValue.Create(r.EventId))]),
                };
            }
            groups[key] = byValue;
        }
        return groups;
    }

    private async Task<JsonObject> StateAsync(Requester requester, IEnumerable<string> roomIds, CancellationToken ct)
    {
        var state = new JsonObject();
        foreach (var roomId in roomIds)
        {
            if (await pipeline.SnapshotAsync(roomId, ct) is not { } room) continue;
            var rows = (await rooms.EventRowsAsync(room.State.Values.ToList(), ct)).OrderBy(r => r.StreamOrdering).ToList();
            state[roomId] = new JsonArray([.. await formatter.FormatAsync(rows, room.Version, requester.UserId, requester.DeviceId, ct)]);
        }
        return state;
    }
}
