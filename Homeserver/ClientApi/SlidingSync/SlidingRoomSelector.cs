using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.ClientApi.AccountData;
using Messenger.Homeserver.ClientApi.Sync;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.SlidingSync;

/// <summary>
/// Which rooms a request matches (MSC4186 "Lists and subscriptions"). The server's list for a user holds the rooms
/// they are joined to, invited to, knocked on, were kicked or banned from, and those they left themselves during this
/// connection; it is sorted by recency (newest bump first). Each list filters it, counts the result and takes the
/// indexes inside its ranges; subscriptions add rooms by id when the user has a membership there. A room matched by
/// several rules gets the superset of their room configs. Invites from ignored users are left out ("Ignoring Users").
/// Memberships in rooms this server is not in — invites received over federation, knocks sent through another server
/// and the leaves ending them (<see cref="OutOfBandSync"/>) — take part like any other, their stripped state standing
/// for the room's.
/// </summary>
public sealed class SlidingRoomSelector(RoomStore rooms, SlidingSyncStore store, ForgottenRoomStore forgotten, AccountDataStore accountData,
    IgnoredUsers ignoredUsers, OutOfBandSync outOfBand)
{
    /// <summary>Room tags live in the <c>m.tag</c> room account data ("Room Tagging").</summary>
    private const string TagType = "m.tag";

    /// <summary>The "proper activity" event types that move a joined room's <c>bump_stamp</c> (MSC4186 <c>bump_stamp</c>).</summary>
    public static readonly string[] BumpTypes =
        [EventTypes.Create, EventTypes.Message, "m.room.encrypted", "m.sticker", "m.call.invite", "m.poll.start", "m.beacon_info"];

    public async Task<RoomSelection> SelectAsync(string userId, SlidingSyncRequest request, ConnectionState previous, long upTo, CancellationToken ct)
    {
        var current = await rooms.MembershipsOfAsync(userId, ct);
        var hidden = await forgotten.ForgottenMembershipEventsAsync(userId, ct);
        current = current.Where(m => !hidden.Contains(m.EventId)).ToList();
        var events = (await store.MembershipEventsAsync(current.Select(m => m.EventId).ToList(), ct)).ToDictionary(e => e.RoomId);
        // A membership committed after upTo is left for the next response, which covers it.
        var known = current.Where(m => events.TryGetValue(m.RoomId, out var e) && e.StreamOrdering <= upTo).Select(m => events[m.RoomId]).ToList();
        // Where newer than the room state (or without any), an out-of-band membership is the user's membership there.
        var held = (await outOfBand.InEffectAsync(userId, current, upTo, ct)).Where(h => !hidden.Contains(h.EventId))
            .ToDictionary(h => h.RoomId, StringComparer.Ordinal);
        if (held.Count > 0) known = [.. known.Where(e => !held.ContainsKey(e.RoomId)), .. await OutOfBandEventsAsync(held.Values, ct)];

        var ignored = await ignoredUsers.OfAsync(userId, ct);
        known = known.Where(e => e.Membership != Membership.Invite || !ignored.Contains(e.Sender)).ToList();
        var listed = known.Where(e => e.Membership != Membership.Leave || e.Sender != userId
            || (previous.Position > 0 && e.StreamOrdering > previous.Position && previous.Rooms.ContainsKey(e.RoomId))).ToList();
        var activity = await store.ActivityAsync(known.Where(e => e.Membership == Membership.Join).Select(e => e.RoomId).ToList(), SlidingRoomSelector.BumpTypes, upTo, ct);
        var bump = known.ToDictionary(e => e.RoomId, e => e.Membership == Membership.Join && activity.TryGetValue(e.RoomId, out var a)
            ? a.Bump ?? a.Latest : e.StreamOrdering);
        var sorted = listed.OrderByDescending(e => bump[e.RoomId]).ThenBy(e => e.RoomId, StringComparer.Ordinal).ToList();

        var facts = await FactsAsync(userId, known, held, request.Lists, upTo, ct);
        var matched = new Dictionary<string, MatchedRoom>(StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var list in request.Lists)
        {
            var passing = sorted.Where(e => list.Filter.Allows(facts[e.RoomId])).ToList();
            counts[list.Name] = passing.Count;
            for (var i = 0; i < passing.Count; i++)
            {
                if (list.InRange(i)) Match(matched, passing[i], list.Config, bump, activity, held, list.Name);
            }
        }
        var byRoom = known.ToDictionary(e => e.RoomId);
        foreach (var (roomId, config) in request.Subscriptions)
        {
            // "Rooms that a user subscribes to that they do not have permission to see, or that does not exist, should be ignored."
            if (byRoom.TryGetValue(roomId, out var membership)) Match(matched, membership, config, bump, activity, held, null);
        }
        return new RoomSelection(counts, matched, facts.Where(f => f.Value.IsDm).Select(f => f.Key).ToHashSet(StringComparer.Ordinal), ignored);
    }

    private static void Match(Dictionary<string, MatchedRoom> matched, MembershipEvent membership, RoomConfig config, Dictionary<string, long> bump,
        Dictionary<string, RoomActivity> activity, Dictionary<string, OutOfBandMembershipRow> held, string? list)
    {
        var room = matched.TryGetValue(membership.RoomId, out var existing)
            ? existing with { Config = existing.Config.Combine(config) }
            : new MatchedRoom(membership, config, [], false, bump[membership.RoomId], activity.GetValueOrDefault(membership.RoomId)?.Latest ?? membership.StreamOrdering,
                held.GetValueOrDefault(membership.RoomId));
        if (list is null) room = room with { Subscribed = true };
        else room.Lists.Add(list);
        matched[membership.RoomId] = room;
    }

    /// <summary>
    /// The user's out-of-band memberships as membership events: sender and invite content from the stored (outlier)
    /// event, the position from the membership's place in the stream, which is also its <c>bump_stamp</c>.
    /// </summary>
    private async Task<List<MembershipEvent>> OutOfBandEventsAsync(IEnumerable<OutOfBandMembershipRow> held, CancellationToken ct)
    {
        var rows = held.ToDictionary(h => h.EventId, StringComparer.Ordinal);
        return (await store.MembershipEventsAsync(rows.Keys, ct))
            .Select(e => e with { StreamOrdering = rows[e.EventId].StreamOrdering, Membership = rows[e.EventId].Membership, ReplacesState = null }).ToList();
    }

    /// <summary>What the lists' filters need, read only when some list asks (room state, space children, tags); DMs always.</summary>
    private async Task<Dictionary<string, SlidingRoomFacts>> FactsAsync(string userId, List<MembershipEvent> memberships,
        Dictionary<string, OutOfBandMembershipRow> held, IReadOnlyList<SlidingList> lists, long upTo, CancellationToken ct)
    {
        var ids = memberships.Select(e => e.RoomId).ToList();
        var state = lists.Any(l => l.Filter.NeedsRoomState) ? await store.RoomFactsAsync(ids, ct) : [];
        // This server has no state of a room it is not in: the stripped state the invite or knock came with stands for it.
        foreach (var (roomId, row) in held) state[roomId] = StrippedFacts(row.StrippedState);
        var spaceIds = lists.SelectMany(l => l.Filter.Spaces ?? []).Distinct().ToList();
        var joinedSpaces = spaceIds.Count == 0 ? [] : (await rooms.RoomsWithMembershipAsync(userId, Membership.Join, ct)).Intersect(spaceIds).ToList();
        // "Servers MUST NOT navigate subspaces": only direct children of spaces the user is joined to.
        var children = await store.SpaceChildrenAsync(joinedSpaces, ct);
        var direct = DirectRooms(await accountData.GetAsync(userId, AccountDataStore.Global, "m.direct", ct));
        var tags = lists.Any(l => l.Filter.NeedsTags) ? await TagsAsync(userId, upTo, ct) : [];
        return memberships.ToDictionary(e => e.RoomId, e =>
        {
            var (encrypted, type) = state.GetValueOrDefault(e.RoomId);
            var inSpaces = children.Where(c => c.Value.Contains(e.RoomId)).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
            return new SlidingRoomFacts(direct.Contains(e.RoomId) || InvitedAsDirect(e), e.Membership == Membership.Invite, encrypted, type, inSpaces,
                tags.GetValueOrDefault(e.RoomId) ?? []);
        });
    }

    /// <summary>Whether stripped state has <c>m.room.encryption</c>, and its create event's <c>type</c>.</summary>
    private static (bool Encrypted, string? RoomType) StrippedFacts(string strippedState)
    {
        var events = (JsonNode.Parse(strippedState) as JsonArray ?? []).OfType<JsonObject>().ToList();
        var encrypted = events.Any(e => (string?)e["type"] == EventTypes.Encryption);
        var create = events.FirstOrDefault(e => (string?)e["type"] == EventTypes.Create);
        return (encrypted, create?["content"]?["type"] is JsonValue t && t.TryGetValue<string>(out var type) ? type : null);
    }

    /// <summary>The rooms <c>m.direct</c> lists, under any user ("Direct Messaging": user id → room ids).</summary>
    private static HashSet<string> DirectRooms(JsonObject? content) =>
        content is null ? [] : content.SelectMany(kv => kv.Value as JsonArray ?? [])
            .Select(v => v is JsonValue value && value.TryGetValue<string>(out var id) ? id : null).OfType<string>().ToHashSet(StringComparer.Ordinal);

    /// <summary>An invite whose event says <c>is_direct</c>: a DM before the client has written <c>m.direct</c>.</summary>
    private static bool InvitedAsDirect(MembershipEvent membership) =>
        membership.InviteJson is { } json && JsonNode.Parse(json)?["content"]?["is_direct"] is JsonValue v && v.TryGetValue<bool>(out var direct) && direct;

    private async Task<Dictionary<string, HashSet<string>>> TagsAsync(string userId, long upTo, CancellationToken ct) =>
        (await accountData.ChangedAsync(userId, null, upTo, ct)).Where(r => r.Type == TagType && r.RoomId != AccountDataStore.Global)
            .ToDictionary(r => r.RoomId, r => (JsonNode.Parse(r.Content)?["tags"] as JsonObject)?.Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal) ?? []);
}

/// <summary>The lists' counts and every matched room with its combined config; which rooms are DMs; whom the user ignores.</summary>
public sealed record RoomSelection(Dictionary<string, int> ListCounts, Dictionary<string, MatchedRoom> Rooms, HashSet<string> DirectRooms, IReadOnlySet<string> Ignored);

/// <summary>
/// A room some rule matched: the user's membership event, the combined config, the rules, recency; for a room this
/// server is not in, the out-of-band membership that stands for its state.
/// </summary>
public sealed record MatchedRoom(MembershipEvent Membership, RoomConfig Config, List<string> Lists, bool Subscribed, long BumpStamp, long Latest,
    OutOfBandMembershipRow? OutOfBand = null)
{
    public string RoomId => Membership.RoomId;
}
