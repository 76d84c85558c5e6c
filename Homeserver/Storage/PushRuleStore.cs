using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// Users' push rules (their own rules and their changes to server defaults). Every change of a user's rules takes an
/// event stream position, recorded as the user's push rules version, and wakes the user's sync: clients then get the
/// <c>m.push_rules</c> account data event ("Push Rules: Events").
/// </summary>
public sealed class PushRuleStore(HomeserverDbContext db, StreamPositions positions, DatabaseWriteGate writeGate, EventNotifier notifier, StreamChanges changes)
{
    /// <summary>The rows of one user.</summary>
    public Task<List<PushRuleRow>> RowsAsync(string userId, CancellationToken ct) =>
        db.PushRules.TagWith("PushRuleStore.Rows").AsNoTracking().Where(r => r.UserId == userId).ToListAsync(ct);

    /// <summary>The rows of several users (the local members an event is evaluated for), in one query.</summary>
    public async Task<Dictionary<string, List<PushRuleRow>>> RowsOfAsync(IReadOnlyCollection<string> userIds, CancellationToken ct)
    {
        if (userIds.Count == 0) return [];
        var rows = await db.PushRules.TagWith("PushRuleStore.RowsOf").AsNoTracking().Where(r => userIds.Contains(r.UserId)).ToListAsync(ct);
        return rows.GroupBy(r => r.UserId).ToDictionary(g => g.Key, g => g.ToList());
    }

    /// <summary>The stream position of the user's last push rules change, or null if they never changed.</summary>
    public Task<long?> VersionAsync(string userId, CancellationToken ct) =>
        db.PushRulesVersions.TagWith("PushRuleStore.Version").AsNoTracking()
            .Where(v => v.UserId == userId).Select(v => (long?)v.Position).FirstOrDefaultAsync(ct);

    /// <summary>The highest position push rule changes took (the stream continues after it at start-up).</summary>
    public async Task<long> MaxPositionAsync(CancellationToken ct) =>
        await db.PushRulesVersions.TagWith("PushRuleStore.MaxPosition").MaxAsync(v => (long?)v.Position, ct) ?? 0;

    /// <summary>
    /// Changes one user's rules in one transaction: <paramref name="change"/> edits the tracked rows (an exception from
    /// it stores nothing); then the version moves to a new stream position and the user's sync wakes.
    /// </summary>
    public async Task ChangeAsync(string userId, Action<PushRuleEdit> change, CancellationToken ct)
    {
        long? position = null;
        using (await writeGate.EnterAsync(ct))
        {
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                var rows = await db.PushRules.TagWith("PushRuleStore.Change").Where(r => r.UserId == userId).ToListAsync(ct);
                change(new PushRuleEdit(db, rows));
                position = positions.Allocate();
                changes.PushRules.Changed(userId, position.Value);
                var version = await db.PushRulesVersions.FirstOrDefaultAsync(v => v.UserId == userId, ct);
                if (version is null) db.PushRulesVersions.Add(new PushRulesVersionRow { UserId = userId, Position = position.Value });
                else version.Position = position.Value;
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
            }
            finally
            {
                db.ChangeTracker.Clear();
                if (position is { } p) positions.Finish(p);
            }
        }
        notifier.Notify([userId]);
    }
}

/// <summary>The tracked push rule rows of one user during <see cref="PushRuleStore.ChangeAsync"/>.</summary>
public sealed class PushRuleEdit(HomeserverDbContext db, List<PushRuleRow> rows)
{
    public IReadOnlyList<PushRuleRow> Rows => rows;

    public void Add(PushRuleRow row)
    {
        db.PushRules.Add(row);
        rows.Add(row);
    }

    public void Remove(PushRuleRow row)
    {
        db.PushRules.Remove(row);
        rows.Remove(row);
    }
}
