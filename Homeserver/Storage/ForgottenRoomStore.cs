using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// Rooms users forgot ("Leaving rooms": a forgotten room never appears in <c>/sync</c> again "until the user re-joins,
/// is re-invited, or knocks"). A row names the membership event that was forgotten, so a newer membership is
/// visible again without anyone having to clear the row.
/// </summary>
public sealed class ForgottenRoomStore(HomeserverDbContext db, ClientApi.Sync.SyncMemo memo)
{
    /// <summary>Records that <paramref name="userId"/> forgot the room at the membership event <paramref name="membershipEventId"/>.</summary>
    public async Task ForgetAsync(string userId, string roomId, string membershipEventId, long streamOrdering, CancellationToken ct = default)
    {
        var row = await db.ForgottenRooms.TagWith("ForgottenRoomStore.Find").FirstOrDefaultAsync(f => f.UserId == userId && f.RoomId == roomId, ct);
        if (row is null)
        {
            db.ForgottenRooms.Add(new ForgottenRoomRow { UserId = userId, RoomId = roomId, MembershipEventId = membershipEventId, StreamOrdering = streamOrdering });
        }
        else
        {
            row.MembershipEventId = membershipEventId;
            row.StreamOrdering = streamOrdering;
        }
        try
        {
            AfterCommit.Invalidate(db, () => memo.ForgetForgotten(userId));
            await db.SaveChangesAsync(ct);
            memo.ForgetForgotten(userId);
        }
        catch (DbUpdateException)
        {
            // Two forgets at once: the other one stored the same fact.
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// The membership events the user forgot. A room is forgotten when the user's current membership event (in
    /// <c>current_state</c>) is one of these; sync leaves such rooms out of <c>rooms.leave</c>, even with <c>include_leave</c>.
    /// </summary>
    public async Task<HashSet<string>> ForgottenMembershipEventsAsync(string userId, CancellationToken ct = default) =>
        (await db.ForgottenRooms.TagWith("ForgottenRoomStore.ForgottenMembershipEvents").AsNoTracking()
            .Where(f => f.UserId == userId).Select(f => f.MembershipEventId).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);

    /// <summary>Whether the user forgot the room at its current membership event <paramref name="currentMembershipEventId"/>.</summary>
    public Task<bool> IsForgottenAsync(string userId, string roomId, string currentMembershipEventId, CancellationToken ct = default) =>
        db.ForgottenRooms.TagWith("ForgottenRoomStore.IsForgotten").AsNoTracking()
            .AnyAsync(f => f.UserId == userId && f.RoomId == roomId && f.MembershipEventId == currentMembershipEventId, ct);
}
