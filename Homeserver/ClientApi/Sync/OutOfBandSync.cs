using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.ClientApi.Rooms;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Sync;

/// <summary>
/// The /sync part of memberships held outside any room state this server has (<see cref="OutOfBandMembershipRow"/>):
/// a remote invite shows in <c>rooms.invite</c> with the stripped state its server sent, a knock through another server
/// in <c>rooms.knock</c>, and the leave that rejected or withdrew one in <c>rooms.leave</c> with that event as the
/// timeline. Where this server also has the room's state, the newer of the two memberships counts.
/// </summary>
public sealed class OutOfBandSync(OutOfBandMembershipStore store, RoomStore rooms, ClientEventFormatter formatter, SyncMemo memo)
{
    /// <summary>The user's out-of-band memberships that are newer than what the room state says (as of <paramref name="upTo"/>).</summary>
    public async Task<List<OutOfBandMembershipRow>> InEffectAsync(string userId, IReadOnlyList<CurrentStateRow> memberships, long upTo, CancellationToken ct)
    {
        var held = (await memo.OutOfBandAsync(userId, () => store.OfUserAsync(userId, long.MaxValue, ct))).Where(h => h.StreamOrdering <= upTo).ToList();
        if (held.Count == 0) return held;
        var fromState = memberships.Where(m => held.Any(h => h.RoomId == m.RoomId)).ToList();
        if (fromState.Count == 0) return held;
        var positions = (await rooms.EventRowsAsync(fromState.Select(m => m.EventId).ToList(), ct))
            .ToDictionary(e => e.RoomId, e => Math.Abs(e.StreamOrdering), StringComparer.Ordinal);
        return [.. held.Where(h => !positions.TryGetValue(h.RoomId, out var position) || position < h.StreamOrdering)];
    }

    /// <summary>
    /// Adds the memberships that changed in the window (all of them on an initial sync) to the response's room maps.
    /// Invites from <paramref name="ignored"/> users are left out ("Ignoring Users": servers must not send room invites
    /// from ignored users to clients), as for invites in rooms this server is in.
    /// </summary>
    public async Task AddAsync(Requester requester, IReadOnlyList<OutOfBandMembershipRow> held, long? since, bool includeLeave,
        IReadOnlySet<string> ignored, JsonObject invite, JsonObject knock, JsonObject leave, CancellationToken ct)
    {
        var changed = held.Where(h => since is null || h.StreamOrdering > since).ToList();
        var hidden = await FromIgnoredAsync(changed, ignored, ct);
        foreach (var row in changed.Where(h => !hidden.Contains(h.EventId)))
        {
            var stripped = JsonNode.Parse(row.StrippedState) as JsonArray ?? [];
            switch (row.Membership)
            {
                case Membership.Invite:
                    invite[row.RoomId] = new JsonObject { ["invite_state"] = new JsonObject { ["events"] = stripped } };
                    break;
                case Membership.Knock:
                    knock[row.RoomId] = new JsonObject { ["knock_state"] = new JsonObject { ["events"] = stripped } };
                    break;
                case Membership.Leave or Membership.Ban when since is not null || includeLeave:
                    leave[row.RoomId] = await LeftAsync(requester, row, ct);
                    break;
            }
        }
    }

    /// <summary>The event ids of the invites among <paramref name="held"/> that an ignored user sent.</summary>
    private async Task<HashSet<string>> FromIgnoredAsync(IReadOnlyList<OutOfBandMembershipRow> held, IReadOnlySet<string> ignored, CancellationToken ct)
    {
        var invites = held.Where(h => h.Membership == Membership.Invite).Select(h => h.EventId).ToList();
        if (ignored.Count == 0 || invites.Count == 0) return [];
        return (await rooms.EventRowsAsync(invites, ct)).Where(e => ignored.Contains(e.Sender)).Select(e => e.EventId).ToHashSet(StringComparer.Ordinal);
    }

    private async Task<JsonObject> LeftAsync(Requester requester, OutOfBandMembershipRow row, CancellationToken ct)
    {
        var events = new JsonArray();
        if (await rooms.EventRowAsync(row.EventId, ct) is { } leaveEvent && RoomVersions.Find(row.RoomVersion) is { } version)
        {
            foreach (var formatted in await formatter.FormatAsync([leaveEvent], version, requester.UserId, requester.DeviceId, ct)) events.Add(formatted);
        }
        return new JsonObject
        {
            ["timeline"] = new JsonObject { ["events"] = events, ["limited"] = false, ["prev_batch"] = new SyncToken(row.StreamOrdering).ToString() },
            ["state"] = new JsonObject { ["events"] = new JsonArray() },
            ["account_data"] = new JsonObject { ["events"] = new JsonArray() },
        };
    }
}
