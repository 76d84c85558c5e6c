using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.ClientApi.AccountData;
using Messenger.Homeserver.ClientApi.Filters;
using Messenger.Homeserver.ClientApi.Rooms;
using Messenger.Homeserver.Push;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Sync;

/// <summary>
/// <c>GET /sync</c> ("Syncing"). A response covers the stream window (since, upTo], where upTo is the complete part of
/// the event stream when the request looked: every event falls in exactly one window, so a client following
/// <c>next_batch</c> never misses or repeats one, even when events arrive during the request. With nothing to say,
/// the request waits (up to <c>timeout</c>) until something the user watches changes.
/// </summary>
public sealed class SyncService(RoomStore rooms, RoomEventPipeline pipeline, ClientEventFormatter formatter, SyncExtras extras, SyncSocial social,
    RoomServerContext context, OutOfBandSync outOfBand, SyncMemo memo, SyncTimelines timelines)
{
    public async Task<JsonObject> SyncAsync(Requester requester, SyncRequest request, CancellationToken ct)
    {
        var since = request.Since?.Events;
        var deadline = DateTime.UtcNow + request.Timeout;
        using var syncing = social.Syncing(requester.UserId, request.SetPresence);
        while (true)
        {
            var upTo = context.Positions.Current;
            var response = await BuildAsync(requester, request.Since, upTo, request, ct);
            var remaining = deadline - DateTime.UtcNow;
            if (since is null || request.FullState || HasContent(response) || remaining <= TimeSpan.Zero || ct.IsCancellationRequested)
                return response;

            var watched = (await MembershipsAsync(requester.UserId, ct)).Where(m => m.Membership == Membership.Join).Select(m => m.RoomId).Append(requester.UserId);
            using var waiter = context.Notifier.Watch(watched);
            // Something may have been committed between building and watching: look again before sleeping.
            if (context.Positions.Current == upTo && !await waiter.WaitAsync(remaining, ct))
                return response;
        }
    }

    private async Task<JsonObject> BuildAsync(Requester requester, SyncToken? sinceToken, long upTo, SyncRequest request, CancellationToken ct)
    {
        var since = sinceToken?.Events;
        var join = new JsonObject();
        var invite = new JsonObject();
        var knock = new JsonObject();
        var leave = new JsonObject();
        var memberships = await MembershipsAsync(requester.UserId, ct);
        var allJoined = memberships.Where(m => m.Membership == Membership.Join).Select(m => m.RoomId).ToList();

        // Where the user's membership changed inside the window, and what it became.
        var changed = since is { } s && memo.Changes.Memberships.MayHaveChanged(requester.UserId, s)
            ? (await rooms.MembershipChangesAsync(requester.UserId, s, upTo, ct)).GroupBy(e => e.RoomId).ToDictionary(g => g.Key, g => g.Last())
            : [];

        var forgotten = await memo.ForgottenAsync(requester.UserId, () => extras.ForgottenMembershipEventsAsync(requester.UserId, ct));
        memberships = memberships.Where(m => request.Filter.AllowsRoom(m.RoomId) && !forgotten.Contains(m.EventId)).ToList();
        // Invites, knocks and their leaves in rooms this server is not in; where newer, they stand for the room's state.
        var heldOutOfBand = (await outOfBand.InEffectAsync(requester.UserId, memberships, upTo, ct))
            .Where(h => request.Filter.AllowsRoom(h.RoomId) && !forgotten.Contains(h.EventId)).ToList();
        if (heldOutOfBand.Count > 0) memberships = memberships.Where(m => !heldOutOfBand.Any(h => h.RoomId == m.RoomId)).ToList();
        var joinedRooms = memberships.Where(m => m.Membership == Membership.Join).Select(m => m.RoomId).ToList();
        var around = await social.ReadAsync(requester.UserId, joinedRooms, request.FullState ? null : since, upTo, request.Filter, ct);
        var active = since is { } from && !request.FullState
            ? (await timelines.RoomsWithEventsAsync(joinedRooms, from, upTo, ct)).Concat(around.Rooms.Keys).ToHashSet()
            : joinedRooms.ToHashSet();

        var slices = new List<RoomSlice>();
        var joins = memberships.Where(m => m.Membership == Membership.Join).ToDictionary(m => m.RoomId, m => m.EventId);
        // A room new to the client (initial sync, full_state, just joined) gets its timeline from the start.
        var windows = joinedRooms.Where(active.Contains)
            .Select(roomId => (RoomId: roomId, Since: since is null || request.FullState || changed.ContainsKey(roomId) ? null : since)).ToList();
        var read = await timelines.TimelinesAsync(windows.Select(w => (w.RoomId, w.Since ?? 0)).ToList(), upTo, request.Filter.TimelineLimit, request.Filter.Timeline, ct);
        foreach (var (roomId, roomSince) in windows)
        {
            slices.Add(await SliceAsync(requester, roomId, roomSince, upTo, request.Filter, around.Ignored, ct, joins[roomId],
                read.TryGetValue(roomId, out var timeline) ? timeline : null));
        }
        var rendered = await RenderAsync(requester, slices, request.Filter, ct);
        // "summary" may be left out when it did not change: only rooms new to the client or with membership changes
        // in the window get one, so a message into a big room does not read its member list for every waiting member.
        var summarised = slices.Where(r => r.Initial || r.MembersChanged)
            .Select(r => r.RoomId).ToList();
        var members = await rooms.MemberListsAsync(summarised, ct);
        var unread = slices.Count == 0 ? [] : await extras.UnreadCountsAsync(requester.UserId, slices.Select(r => r.RoomId).ToList(), upTo, ct);
        var threaded = request.Filter.Timeline.UnreadThreadNotifications;
        foreach (var slice in slices)
        {
            var counts = unread.GetValueOrDefault(slice.RoomId) ?? RoomUnreadCounts.None;
            var extra = around.Rooms.GetValueOrDefault(slice.RoomId) ?? new RoomSocial([], []);
            join[slice.RoomId] = JoinedRoom(requester, rendered[slice.RoomId], members.GetValueOrDefault(slice.RoomId), counts, threaded, extra);
        }

        var invites = memberships.Where(m => m.Membership == Membership.Invite && (since is null || changed.ContainsKey(m.RoomId))).ToList();
        // "Servers must not send room invites from ignored users to clients."
        var ignoredInvites = around.Ignored.Count == 0 ? [] : (await rooms.EventRowsAsync(invites.Select(m => m.EventId).ToList(), ct))
            .Where(e => around.Ignored.Contains(e.Sender)).Select(e => e.EventId).ToHashSet();
        foreach (var membership in invites.Where(m => !ignoredInvites.Contains(m.EventId)))
        {
            invite[membership.RoomId] = new JsonObject { ["invite_state"] = new JsonObject { ["events"] = await InviteStateAsync(membership.RoomId, membership.EventId, ct) } };
        }

        foreach (var membership in memberships.Where(m => m.Membership == Membership.Knock))
        {
            if (since is not null && !changed.ContainsKey(membership.RoomId)) continue;
            knock[membership.RoomId] = new JsonObject { ["knock_state"] = new JsonObject { ["events"] = await InviteStateAsync(membership.RoomId, membership.EventId, ct) } };
        }

        foreach (var membership in memberships.Where(m => m.Membership is Membership.Leave or Membership.Ban))
        {
            var leftNow = since is not null && changed.TryGetValue(membership.RoomId, out var change) && change.EventId == membership.EventId;
            if (!leftNow && !(since is null && request.Filter.IncludeLeave)) continue;
            // A kick or ban by someone else is worth telling; leaving an invite one rejected too. The room's later events are not.
            var leaveEvent = await rooms.EventRowAsync(membership.EventId, ct);
            if (leaveEvent is null) continue;
            leave[membership.RoomId] = await LeftRoomAsync(requester, membership.RoomId, since, leaveEvent.StreamOrdering, request.Filter, around.Ignored, ct);
        }

        await outOfBand.AddAsync(requester, heldOutOfBand, since, request.Filter.IncludeLeave, around.Ignored, invite, knock, leave, ct);

        var keys = await extras.KeysAsync(requester, sinceToken, upTo, allJoined, ct);
        var accountData = around.AccountData;
        if (await extras.PushRulesEventAsync(requester.UserId, since, upTo, ct) is { } pushRulesEvent) accountData.Insert(0, pushRulesEvent);
        return new JsonObject
        {
            ["next_batch"] = new SyncToken(upTo, keys.ToDeviceThrough).ToString(),
            ["rooms"] = new JsonObject { ["join"] = join, ["invite"] = invite, ["leave"] = leave, ["knock"] = knock },
            ["presence"] = new JsonObject { ["events"] = around.Presence },
            ["account_data"] = new JsonObject { ["events"] = accountData },
            ["to_device"] = new JsonObject { ["events"] = keys.ToDevice },
            ["device_lists"] = new JsonObject { ["changed"] = keys.Changed, ["left"] = keys.Left },
            ["device_one_time_keys_count"] = keys.OneTimeKeyCounts,
            ["device_unused_fallback_key_types"] = keys.UnusedFallbackKeyTypes,
        };
    }

    /// <summary>The user's current memberships, from the memo while no membership of theirs changed.</summary>
    private Task<List<CurrentStateRow>> MembershipsAsync(string userId, CancellationToken ct) =>
        memo.MembershipsAsync(userId, () => rooms.MembershipsOfAsync(userId, ct));

    /// <summary>A joined room's entry: its rendered timeline and state, and the summary from its member list.</summary>
    private static JsonObject JoinedRoom(Requester requester, (JsonObject Timeline, JsonArray State) rendered, List<(string UserId, string? Membership)>? members,
        RoomUnreadCounts unread, bool threaded, RoomSocial extra)
    {
        var summary = new JsonObject();
        if (members is not null)
        {
            var heroes = members.Where(m => m.UserId != requester.UserId && m.Membership is Membership.Join or Membership.Invite)
                .Select(m => m.UserId).Order(StringComparer.Ordinal).Take(5).ToList();
            summary["m.heroes"] = new JsonArray(heroes.Select(h => (JsonNode)JsonValue.Create(h)!).ToArray());
            summary["m.joined_member_count"] = members.Count(m => m.Membership == Membership.Join);
            summary["m.invited_member_count"] = members.Count(m => m.Membership == Membership.Invite);
        }
        return new JsonObject
        {
            ["timeline"] = rendered.Timeline,
            ["state"] = new JsonObject { ["events"] = rendered.State },
            ["ephemeral"] = new JsonObject { ["events"] = extra.Ephemeral },
            ["account_data"] = new JsonObject { ["events"] = extra.AccountData },
            ["summary"] = summary,
            ["unread_notifications"] = unread.UnreadNotifications(threaded),
            ["unread_thread_notifications"] = threaded ? unread.UnreadThreadNotifications() : new JsonObject(),
        };
    }

    private async Task<JsonObject> LeftRoomAsync(Requester requester, string roomId, long? since, long leftAt, SyncFilterDefinition filter,
        IReadOnlySet<string> ignored, CancellationToken ct)
    {
        var slice = await SliceAsync(requester, roomId, since, leftAt, filter, ignored, ct);
        var (timeline, state) = (await RenderAsync(requester, [slice], filter, ct))[roomId];
        return new JsonObject
        {
            ["timeline"] = timeline,
            ["state"] = new JsonObject { ["events"] = state },
            ["account_data"] = new JsonObject { ["events"] = new JsonArray() },
        };
    }

    /// <summary>What a room contributes to a sync before formatting: timeline rows and the ids of the state to send.</summary>
    /// <remarks><see cref="MembersChanged"/>: a member event in the timeline or in the gap before it (lazy-loaded members sent again do not count).</remarks>
    private sealed record RoomSlice(string RoomId, RoomSnapshot Snapshot, List<EventRow> Timeline, bool Limited, bool Initial, long UpTo, List<string> StateIds,
        bool MembersChanged);

    /// <summary>
    /// One room's part of the window: the newest events (timeline) and the state the client lacks before them —
    /// everything at the timeline's start when <paramref name="since"/> is null (initial sync, or just joined),
    /// otherwise only what changed between since and the timeline's start (nothing unless the timeline is limited).
    /// Non-state events of ignored users are left out ("Ignoring Users"); state before the remaining events is unchanged by that.
    /// </summary>
    private async Task<RoomSlice> SliceAsync(Requester requester, string roomId, long? since, long upTo, SyncFilterDefinition filter,
        IReadOnlySet<string> ignored, CancellationToken ct, string? joinEventId = null, (List<EventRow> Rows, bool Limited)? timeline = null)
    {
        var snapshot = await pipeline.SnapshotAsync(roomId, ct) ?? throw new InvalidOperationException($"room {roomId} unknown");
        var (rows, limited) = timeline ?? await timelines.TimelineRowsAsync(roomId, since ?? 0, upTo, filter.TimelineLimit, filter.Timeline, ct);
        if (ignored.Count > 0) rows = rows.Where(r => !IgnoredUsers.Hides(ignored, r.Sender, r.StateKey)).ToList();
        // A timeline from before the user's join (initial sync, or just joined) shows only what history visibility allows.
        if (since is null && joinEventId is not null) rows = await timelines.VisibleAsync(requester.UserId, snapshot, joinEventId, rows, ct);

        var startGroup = rows.Count > 0 ? rows[0].StateGroupBefore : await rooms.StateGroupAtAsync(roomId, upTo, ct);
        var atStart = await rooms.StateGroupAsync(startGroup, ct);
        IEnumerable<KeyValuePair<StateKey, string>> missing;
        var membersChanged = false;
        if (since is null) missing = atStart;
        else if (!limited) missing = [];
        else
        {
            var known = await rooms.StateGroupAsync(await rooms.StateGroupAtAsync(roomId, since.Value, ct), ct);
            missing = atStart.Where(kv => !known.TryGetValue(kv.Key, out var id) || id != kv.Value).ToList();
            membersChanged = missing.Any(kv => kv.Key.Type == EventTypes.Member) || known.Keys.Any(k => k.Type == EventTypes.Member && !atStart.ContainsKey(k));
        }
        if (filter.LazyLoadMembers)
        {
            // "Lazy-loading room members": only the members the timeline needs (its senders, and the user), but those
            // always, since which ones the client already has is not tracked (redundant members are allowed).
            // Looked up by key: a big room's state is thousands of members, and a woken sync needs one or two.
            var needed = rows.Select(r => r.Sender).Append(requester.UserId).Distinct(StringComparer.Ordinal)
                .Select(u => new StateKey(EventTypes.Member, u)).Where(atStart.ContainsKey).Select(k => KeyValuePair.Create(k, atStart[k])).ToList();
            missing = missing.Where(kv => kv.Key.Type != EventTypes.Member).Concat(needed);
        }
        var inTimeline = rows.Select(r => r.EventId).ToHashSet();
        var stateIds = missing.Select(kv => kv.Value).Where(id => !inTimeline.Contains(id)).Distinct().ToList();
        return new RoomSlice(roomId, snapshot, rows, limited, since is null, upTo, stateIds, membersChanged || rows.Any(e => e.Type == EventTypes.Member));
    }

    /// <summary>
    /// Formats many rooms' slices together: one query for all their state events and one formatting pass per room
    /// version, so a sync of a hundred rooms costs a few queries, not a few per room.
    /// </summary>
    private async Task<Dictionary<string, (JsonObject Timeline, JsonArray State)>> RenderAsync(
        Requester requester, List<RoomSlice> slices, SyncFilterDefinition filter, CancellationToken ct)
    {
        var stateIds = slices.SelectMany(r => r.StateIds).ToList();
        var stateRows = (stateIds.Count == 0 ? [] : await timelines.StateRowsAsync(stateIds, ct))
            .Where(r => filter.State.Allows(r.Type, r.Sender, null)).ToDictionary(r => r.EventId);
        var formatted = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var byVersion in slices.GroupBy(r => r.Snapshot.Version))
        {
            // Bundled aggregations only where the timeline is limited ("Aggregations of child events": /sync "when the
            // relevant section has a limited value of true"); state events get none.
            var bundled = byVersion.Where(IsLimited).SelectMany(r => r.Timeline).ToList();
            var plain = byVersion.SelectMany(r => (IsLimited(r) ? Enumerable.Empty<EventRow>() : r.Timeline).Concat(r.StateIds.Where(stateRows.ContainsKey).Select(id => stateRows[id]))).ToList();
            var events = await formatter.FormatAsync(bundled, byVersion.Key, requester.UserId, requester.DeviceId, ct);
            for (var i = 0; i < bundled.Count; i++) formatted[bundled[i].EventId] = events[i];
            events = await formatter.FormatUnbundledAsync(plain, byVersion.Key, requester.UserId, requester.DeviceId, ct);
            for (var i = 0; i < plain.Count; i++) formatted[plain[i].EventId] = events[i];
        }

        var result = new Dictionary<string, (JsonObject, JsonArray)>(StringComparer.Ordinal);
        foreach (var slice in slices)
        {
            var rows = slice.Timeline;
            var timeline = new JsonObject
            {
                ["events"] = Project(rows.Select(r => formatted[r.EventId]), filter),
                ["limited"] = IsLimited(slice),
                ["prev_batch"] = rows.Count > 0 ? PaginationToken.Before(rows[0].Depth, rows[0].StreamOrdering).ToString() : new SyncToken(slice.UpTo).ToString(),
            };
            var state = slice.StateIds.Where(stateRows.ContainsKey).Select(id => stateRows[id]).OrderBy(r => r.StreamOrdering).Select(r => formatted[r.EventId]);
            result[slice.RoomId] = (timeline, Project(state, filter));
        }
        return result;
    }

    private static JsonArray Project(IEnumerable<JsonObject> events, SyncFilterDefinition filter) =>
        new(events.Select(e => (JsonNode)EventFieldsProjection.Apply(e, filter.EventFields)).ToArray());

    /// <summary>The timeline's <c>limited</c>: events were left out, or on an initial sync it does not start at the room's creation.</summary>
    private static bool IsLimited(RoomSlice slice) => slice.Limited || (slice.Initial && slice.Timeline.Count > 0 && HasOlder(slice.Timeline));

    /// <summary>Whether the timeline's first event is not the room's first (an initial sync then says limited).</summary>
    private static bool HasOlder(List<EventRow> rows) => rows[0].Type != EventTypes.Create;

    private Task<JsonArray> InviteStateAsync(string roomId, string inviteEventId, CancellationToken ct) =>
        StrippedRoomState.ReadAsync(pipeline, rooms, roomId, inviteEventId, ct);

    private static bool HasContent(JsonObject response)
    {
        var rooms = response["rooms"]!;
        return rooms["join"]!.AsObject().Count > 0 || rooms["invite"]!.AsObject().Count > 0 || rooms["leave"]!.AsObject().Count > 0
            || rooms["knock"]!.AsObject().Count > 0
            || response["to_device"]!["events"]!.AsArray().Count > 0 || response["account_data"]!["events"]!.AsArray().Count > 0
            || response["presence"]!["events"]!.AsArray().Count > 0
            || response["device_lists"]!["changed"]!.AsArray().Count > 0 || response["device_lists"]!["left"]!.AsArray().Count > 0;
    }
}
