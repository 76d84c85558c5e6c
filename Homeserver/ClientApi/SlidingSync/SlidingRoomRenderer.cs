using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.ClientApi.Rooms;
using Messenger.Homeserver.Push;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.SlidingSync;

/// <summary>
/// Turns room plans into the response's <c>rooms</c> (MSC4186 "RoomResult") and what the connection then holds of
/// each. Rooms are sliced one by one, then formatted together: one query for all their state events, one formatting
/// pass per room version, one query each for member lists and unread counts.
/// </summary>
public sealed class SlidingRoomRenderer(RoomStore rooms, RoomEventPipeline pipeline, RoomSlicer slicer, ClientEventFormatter formatter, PushActionStore pushActions)
{
    private const int MaxHeroes = 5;

    /// <param name="liveAfter">The connection's previous position: timeline events after it are "live" (<c>num_live</c>); null on a fresh connection.</param>
    /// <param name="ignored">Users whose non-state events are left out of timelines ("Ignoring Users").</param>
    public async Task<(JsonObject Rooms, Dictionary<string, SentRoom> Sent)> RenderAsync(Requester requester, IReadOnlyList<RoomPlan> plans, long upTo,
        long? liveAfter, IReadOnlySet<string> ignored, CancellationToken ct)
    {
        var result = new JsonObject();
        var sent = new Dictionary<string, SentRoom>(StringComparer.Ordinal);
        var slices = new List<RoomSlice>();
        foreach (var plan in plans)
        {
            var membership = plan.Room.Membership;
            if (membership.Membership is Membership.Invite or Membership.Knock)
            {
                var json = Common(plan);
                // An invite or knock in a room this server is not in shows the stripped state it came with.
                json["invite_state"] = plan.Room.OutOfBand is { } held
                    ? JsonNode.Parse(held.StrippedState) as JsonArray ?? []
                    : await StrippedRoomState.ReadAsync(pipeline, rooms, plan.Room.RoomId, membership.EventId, ct);
                result[plan.Room.RoomId] = json;
                sent[plan.Room.RoomId] = Sent(plan, upTo, []);
            }
            else if (plan.Room.OutOfBand is { } ended)
            {
                result[plan.Room.RoomId] = await OutOfBandLeaveAsync(requester, plan, ended, ct);
                sent[plan.Room.RoomId] = Sent(plan, ended.StreamOrdering, []);
            }
            else if (await slicer.SliceAsync(requester.UserId, plan, upTo, ignored, ct) is { } slice)
            {
                slices.Add(slice);
            }
        }

        var extraIds = slices.SelectMany(s => new[] { s.NameEventId, s.AvatarEventId }).OfType<string>();
        var stateRows = (await rooms.EventRowsAsync(slices.SelectMany(s => s.StateIds).Concat(extraIds).Distinct().ToList(), ct)).ToDictionary(r => r.EventId);
        var formatted = await FormatAsync(requester, slices, stateRows, ct);
        var summarised = slices.Where(s => s.MembersChanged).Select(s => s.RoomId).ToList();
        var members = await rooms.MemberListsAsync(summarised, ct);
        var heroes = await HeroesAsync(requester.UserId, slices, members, ct);
        var unread = await pushActions.UnreadCountsAsync(requester.UserId, slices.Where(s => s.Plan.Room.Membership.Membership == Membership.Join)
            .Select(s => s.RoomId).ToList(), upTo, ct);

        foreach (var slice in slices)
        {
            var json = Common(slice.Plan);
            var name = Content(stateRows, slice.NameEventId)?["name"] as JsonValue;
            if (slice.NameOrAvatarChanged)
            {
                if (name is not null && name.TryGetValue<string>(out var n) && n.Length > 0) json["name"] = n;
                if (Content(stateRows, slice.AvatarEventId)?["url"] is JsonValue url && url.TryGetValue<string>(out var u)) json["avatar"] = u;
                else if (!slice.Plan.Initial) json["avatar"] = null;
            }
            if (members.TryGetValue(slice.RoomId, out var list))
            {
                json["joined_count"] = list.Count(m => m.Membership == Membership.Join);
                json["invited_count"] = list.Count(m => m.Membership == Membership.Invite);
                if (name is null && heroes.TryGetValue(slice.RoomId, out var h)) json["heroes"] = h;
            }
            json["required_state"] = new JsonArray(slice.StateIds.Where(stateRows.ContainsKey).Select(id => stateRows[id])
                .OrderBy(r => r.StreamOrdering).Select(r => (JsonNode)formatted[r.EventId].DeepClone()).ToArray());
            json["timeline"] = new JsonArray(slice.Timeline.Select(r => (JsonNode)formatted[r.EventId].DeepClone()).ToArray());
            if (slice.Timeline.Count > 0) json["prev_batch"] = PaginationToken.Before(slice.Timeline[0].Depth, slice.Timeline[0].StreamOrdering).ToString();
            json["limited"] = slice.Limited;
            json["num_live"] = liveAfter is { } after ? slice.Timeline.Count(r => r.StreamOrdering > after) : 0;
            if (slice.Plan.ExpandedTimeline) json["unstable_expanded_timeline"] = true;
            if (unread.TryGetValue(slice.RoomId, out var counts) || slice.Plan.Room.Membership.Membership == Membership.Join)
            {
                // The main timeline's counts: thread counts belong to an extension (MSC4186 notification_count).
                var main = (counts ?? RoomUnreadCounts.None).Main;
                json["notification_count"] = main.Notifications;
                json["highlight_count"] = main.Highlights;
            }
            result[slice.RoomId] = json;
            sent[slice.RoomId] = Sent(slice.Plan, slice.End, slice.LazyMembers);
        }
        return (result, sent);
    }

    /// <summary>
    /// The leave that rejected a remote invite or withdrew a knock, in a room this server is not in: like a room the
    /// user never joined, its timeline is that one event and it has no state to send.
    /// </summary>
    private async Task<JsonObject> OutOfBandLeaveAsync(Requester requester, RoomPlan plan, OutOfBandMembershipRow held, CancellationToken ct)
    {
        var timeline = new JsonArray();
        if (await rooms.EventRowAsync(held.EventId, ct) is { } leave && RoomVersions.Find(held.RoomVersion) is { } version)
        {
            foreach (var formatted in await formatter.FormatAsync([leave], version, requester.UserId, requester.DeviceId, ct)) timeline.Add(formatted);
        }
        var json = Common(plan);
        json["required_state"] = new JsonArray();
        json["timeline"] = timeline;
        json["limited"] = false;
        json["num_live"] = 0;
        return json;
    }

    /// <summary>Fields every room result has: recency, the user's membership, the initial and DM flags.</summary>
    private static JsonObject Common(RoomPlan plan)
    {
        var json = new JsonObject { ["bump_stamp"] = plan.Room.BumpStamp, ["membership"] = plan.Room.Membership.Membership };
        if (plan.Initial) json["initial"] = true;
        if (plan.IsDm || plan.Previous is not null) json["is_dm"] = plan.IsDm;
        return json;
    }

    private static SentRoom Sent(RoomPlan plan, long at, System.Collections.Immutable.ImmutableDictionary<string, string> lazy) =>
        new(at, plan.Room.Membership.EventId, plan.Room.Membership.Membership ?? "", plan.Room.Config, lazy.WithComparers(StringComparer.Ordinal), plan.IsDm);

    private static JsonObject? Content(Dictionary<string, EventRow> rows, string? eventId) =>
        eventId is not null && rows.TryGetValue(eventId, out var row) ? JsonNode.Parse(row.Json)?["content"] as JsonObject : null;

    private async Task<Dictionary<string, JsonObject>> FormatAsync(Requester requester, List<RoomSlice> slices, Dictionary<string, EventRow> stateRows, CancellationToken ct)
    {
        var formatted = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var byVersion in slices.GroupBy(s => s.Version))
        {
            var rows = byVersion.SelectMany(s => s.Timeline.Concat(s.StateIds.Where(stateRows.ContainsKey).Select(id => stateRows[id])))
                .DistinctBy(r => r.EventId).ToList();
            var events = await formatter.FormatAsync(rows, byVersion.Key, requester.UserId, requester.DeviceId, ct);
            for (var i = 0; i < rows.Count; i++) formatted[rows[i].EventId] = events[i];
        }
        return formatted;
    }

    /// <summary>
    /// <c>heroes</c> for rooms without a name: up to five other members, joined and invited first, then those who
    /// left (the same users as <c>m.heroes</c> of /sync), with the display name and avatar of their member events.
    /// </summary>
    private async Task<Dictionary<string, JsonArray>> HeroesAsync(string userId, List<RoomSlice> slices,
        Dictionary<string, List<(string UserId, string? Membership)>> members, CancellationToken ct)
    {
        var picks = new Dictionary<string, List<(string UserId, string? EventId)>>(StringComparer.Ordinal);
        foreach (var slice in slices.Where(s => s.NameEventId is null && members.ContainsKey(s.RoomId)))
        {
            var others = members[slice.RoomId].Where(m => m.UserId != userId).ToList();
            var current = others.Where(m => m.Membership is Membership.Join or Membership.Invite).Select(m => m.UserId).Order(StringComparer.Ordinal);
            var former = others.Where(m => m.Membership is Membership.Leave or Membership.Ban).Select(m => m.UserId).Order(StringComparer.Ordinal);
            picks[slice.RoomId] = current.Concat(former).Take(MaxHeroes)
                .Select(u => (u, slice.StateAtEnd.GetValueOrDefault(new StateKey(EventTypes.Member, u)))).ToList();
        }
        var rows = (await rooms.EventRowsAsync(picks.Values.SelectMany(p => p.Select(h => h.EventId)).OfType<string>().ToList(), ct)).ToDictionary(r => r.EventId);
        return picks.ToDictionary(p => p.Key, p => new JsonArray(p.Value.Select(h =>
        {
            var hero = new JsonObject { ["user_id"] = h.UserId };
            var content = Content(rows, h.EventId);
            if (content?["displayname"] is JsonValue d && d.TryGetValue<string>(out var displayName)) hero["displayname"] = displayName;
            if (content?["avatar_url"] is JsonValue a && a.TryGetValue<string>(out var avatarUrl)) hero["avatar_url"] = avatarUrl;
            return (JsonNode)hero;
        }).ToArray()));
    }
}
