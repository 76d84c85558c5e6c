using System.Text.Json.Nodes;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Presence;

/// <summary>
/// The <c>presence</c> part of a sync window: <c>m.presence</c> events of the user and of those who share a joined
/// room with them, for changes inside the window (everything known on an initial sync). Only users whose presence
/// changed are looked up, so a quiet server costs no query.
/// </summary>
public sealed class PresenceSync(PresenceTracker tracker, RoomStore rooms, TimeProvider time)
{
    /// <summary>Marks the user as syncing for the request's lifetime (see <see cref="PresenceTracker.Syncing"/>).</summary>
    public IDisposable Syncing(string userId, string setPresence) => tracker.Syncing(userId, setPresence);

    public async Task<JsonArray> EventsAsync(string userId, IReadOnlyCollection<string> joinedRooms, long? since, long upTo, CancellationToken ct)
    {
        if (!tracker.Enabled) return [];
        var changed = tracker.ChangedSince(since ?? 0);
        if (changed.Count == 0) return [];
        var audience = await rooms.JoinedAmongAsync(joinedRooms, changed, ct);
        if (changed.Contains(userId)) audience.Add(userId);
        var now = time.GetUtcNow();
        return new JsonArray(tracker.ChangedAmong(audience, since, upTo).OrderBy(p => p.Position).Select(p => (JsonNode)new JsonObject
        {
            ["type"] = "m.presence",
            ["sender"] = p.UserId,
            ["content"] = PresenceService.Content(p, now),
        }).ToArray());
    }
}
