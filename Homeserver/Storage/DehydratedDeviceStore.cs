using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>Each user's dehydrated device (MSC3814); the device itself is an ordinary row of <c>devices</c>.</summary>
public sealed class DehydratedDeviceStore(HomeserverDbContext db)
{
    public Task<DehydratedDeviceRow?> FindAsync(string userId, CancellationToken ct = default) =>
        db.DehydratedDevices.TagWith("DehydratedDeviceStore.Find").AsNoTracking().FirstOrDefaultAsync(d => d.UserId == userId, ct);

    /// <summary>Stores the device and its dehydrated row in one transaction.</summary>
    public async Task AddAsync(DehydratedDeviceRow row, string? displayName, CancellationToken ct = default)
    {
        await db.InTransactionAsync(async () =>
        {
            db.Devices.Add(new DeviceRow { UserId = row.UserId, DeviceId = row.DeviceId, DisplayName = displayName, CreatedTs = row.CreatedTs });
            db.DehydratedDevices.Add(row);
            await db.SaveChangesAsync(ct);
        }, ct);
        db.ChangeTracker.Clear();
    }
}
