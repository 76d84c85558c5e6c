using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>Reports received from users ("Reporting content").</summary>
public sealed class ReportStore(HomeserverDbContext db)
{
    public async Task AddAsync(ReportRow report, CancellationToken ct = default)
    {
        db.Reports.Add(report);
        await db.SaveChangesAsync(ct);
        db.Entry(report).State = EntityState.Detached;
    }

    /// <summary>The newest reports first (for administrators).</summary>
    public Task<List<ReportRow>> RecentAsync(int limit, CancellationToken ct = default) =>
        db.Reports.TagWith("ReportStore.Recent").AsNoTracking().OrderByDescending(r => r.Id).Take(limit).ToListAsync(ct);
}
