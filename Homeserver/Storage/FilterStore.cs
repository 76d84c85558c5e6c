using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>Users' uploaded filters; ids count up per user.</summary>
public sealed class FilterStore(HomeserverDbContext db)
{
    public async Task<long> AddAsync(string userId, string json, CancellationToken ct = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            var next = (await db.Filters.TagWith("FilterStore.NextId").Where(f => f.UserId == userId).MaxAsync(f => (long?)f.FilterId, ct) ?? -1) + 1;
            db.Filters.Add(new FilterRow { UserId = userId, FilterId = next, Json = json });
            try
            {
                await db.SaveChangesAsync(ct);
                return next;
            }
            catch (DbUpdateException) when (attempt < 5)
            {
                // Two uploads by the same user raced for the id; take the next one.
                db.ChangeTracker.Clear();
            }
        }
    }

    public Task<string?> FindAsync(string userId, long filterId, CancellationToken ct = default) =>
        db.Filters.TagWith("FilterStore.Find").AsNoTracking().Where(f => f.UserId == userId && f.FilterId == filterId)
            .Select(f => f.Json).FirstOrDefaultAsync(ct);
}
