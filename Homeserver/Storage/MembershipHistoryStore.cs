using Messenger.Federation.Protocol.Events;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>Reads of a user's past memberships in a room, for history visibility.</summary>
public sealed class MembershipHistoryStore(HomeserverDbContext db)
{
    /// <summary>The stream position of the user's latest join to the room (0: never joined); an index seek on (state key, type, position).</summary>
    public async Task<long> LastJoinAsync(string roomId, string userId, CancellationToken ct) =>
        await db.Events.TagWith("MembershipHistoryStore.LastJoin").AsNoTracking()
            .Where(e => e.StateKey == userId && e.Type == EventTypes.Member && e.RoomId == roomId && e.Membership == Membership.Join)
            .MaxAsync(e => (long?)e.StreamOrdering, ct) ?? 0;
}
