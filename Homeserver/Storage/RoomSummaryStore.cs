using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>Reads of room summaries for the space hierarchy (and, later, room previews).</summary>
public sealed class RoomSummaryStore(HomeserverDbContext db)
{
    /// <summary>A known room's summary, version and joined member count; null for a room this server does not have.</summary>
    public async Task<LocalRoomSummary?> FindAsync(string roomId, CancellationToken ct = default)
    {
        var room = await (from r in db.Rooms.TagWith("RoomSummaryStore.Find").AsNoTracking()
                          where r.RoomId == roomId
                          join s in db.RoomSummaries on r.RoomId equals s.RoomId into summaries
                          from s in summaries.DefaultIfEmpty()
                          select new { r.RoomVersion, Summary = s }).FirstOrDefaultAsync(ct);
        if (room is null) return null;
        var joined = await db.CurrentState.TagWith("RoomSummaryStore.JoinedCount").AsNoTracking()
            .CountAsync(s => s.RoomId == roomId && s.Type == EventTypes.Member && s.Membership == Membership.Join, ct);
        return new LocalRoomSummary(room.Summary ?? new RoomSummaryRow { RoomId = roomId }, room.RoomVersion, joined);
    }

    /// <summary>The history visibility of each room that has one set (others default to <c>shared</c>).</summary>
    public Task<Dictionary<string, string>> HistoryVisibilitiesAsync(IReadOnlyCollection<string> roomIds, CancellationToken ct = default) =>
        db.RoomSummaries.TagWith("RoomSummaryStore.HistoryVisibilities").AsNoTracking()
            .Where(s => roomIds.Contains(s.RoomId) && s.HistoryVisibility != null)
            .ToDictionaryAsync(s => s.RoomId, s => s.HistoryVisibility!, ct);

    /// <summary>The current state events of one type in a room (e.g. every <c>m.space.child</c>), as stored.</summary>
    public Task<List<EventRow>> StateEventsOfTypeAsync(string roomId, string type, CancellationToken ct = default) =>
        (from s in db.CurrentState.TagWith("RoomSummaryStore.StateEventsOfType").AsNoTracking()
         join e in db.Events on s.EventId equals e.EventId
         where s.RoomId == roomId && s.Type == type
         select e).ToListAsync(ct);
}

/// <summary>What the hierarchy shows of a room this server has.</summary>
public sealed record LocalRoomSummary(RoomSummaryRow Summary, string RoomVersion, int JoinedMembers);
