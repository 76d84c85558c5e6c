using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Presence;

/// <summary>
/// The <c>presence</c> part of a sync window: <c>m.presence</c> events of the user and of those who share a joined
/// room with them, for changes inside the window (everything known on an initial sync). Only users whose presence
/// changed are looked up, so a quiet server costs no query; who shares a room with the user comes from the rooms' joined
/// members in memory (<see cref="JoinedMembers"/>), so a burst of users coming online (each change wakes the syncs of
/// all their room-mates) costs no query per woken sync either.
/// </summary>
public sealed class PresenceSync(PresenceTracker tracker, RoomStore rooms, JoinedMembers joinedMembers, TimeProvider time)
{
    /// <summary>Marks the user as syncing for the request's lifetime (see <see cref="PresenceTracker.Syncing"/>).</summary>
    public IDisposable Syncing(string userId, string setPresence) => tracker.Syncing(userId, setPresence);

    /// <summary>Above this many rooms one query beats loading each room's members (once, then kept) on first sight.</summary>
    private const int MembersFromMemoryUpTo = 50;

    public async Task<JsonArray> EventsAsync(string userId, IReadOnlyCollection<string> joinedRooms, long? since, long upTo, CancellationToken ct)
    {
        if (!tracker.Enabled) return [];
        var changed = tracker.ChangedSince(since ?? 0);
        if (changed.Count == 0) return [];
        var audience = joinedRooms.Count > MembersFromMemoryUpTo
            ? await rooms.JoinedAmongAsync(joinedRooms, changed, ct)
            : await JoinedAmongAsync(joinedRooms, changed.ToHashSet(StringComparer.Ordinal), ct);
        if (changed.Contains(userId)) audience.Add(userId);
        var now = time.GetUtcNow();
        return new JsonArray(tracker.ChangedAmong(audience, since, upTo).OrderBy(p => p.Position).Select(p => (JsonNode)new JsonObject
        {
            ["type"] = "m.presence",
            ["sender"] = p.UserId,
            ["content"] = PresenceService.Content(p, now),
        }).ToArray());
    }

    /// <summary>The <paramref name="candidates"/> joined to any of the rooms, from their members in memory.</summary>
    private async Task<HashSet<string>> JoinedAmongAsync(IReadOnlyCollection<string> joinedRooms, HashSet<string> candidates, CancellationToken ct)
    {
        var audience = new HashSet<string>(StringComparer.Ordinal);
        foreach (var roomId in joinedRooms)
        {
            var members = await joinedMembers.GetAsync(roomId, c => rooms.MembersAsync(roomId, Membership.Join, c), ct);
            audience.UnionWith(candidates.Count <= members.Count ? candidates.Where(members.Contains) : members.Where(candidates.Contains));
            if (audience.Count == candidates.Count) break;
        }
        return audience;
    }
}
