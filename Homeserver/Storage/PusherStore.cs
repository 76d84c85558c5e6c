using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>Pushers of users ("Push Notifications": <c>/pushers</c>) and their delivery positions.</summary>
public sealed class PusherStore(HomeserverDbContext db, DatabaseWriteGate writeGate) : IDeviceDeletionHook
{
    public Task<List<PusherRow>> OfUserAsync(string userId, CancellationToken ct) =>
        db.Pushers.TagWith("PusherStore.OfUser").AsNoTracking().Where(p => p.UserId == userId).OrderBy(p => p.Id).ToListAsync(ct);

    /// <summary>Users that have at least one pusher (delivery catches up on them at start).</summary>
    public Task<List<string>> UsersWithPushersAsync(CancellationToken ct) =>
        db.Pushers.TagWith("PusherStore.Users").AsNoTracking().Select(p => p.UserId).Distinct().ToListAsync(ct);

    /// <summary>
    /// Creates or updates the user's pusher for (<paramref name="pusher"/>.AppId, Pushkey); without
    /// <paramref name="append"/>, pushers of other users with the same app id and pushkey are removed.
    /// A new pusher starts delivering after <paramref name="startAfter"/>, not with old notifications.
    /// </summary>
    public async Task SetAsync(PusherRow pusher, bool append, long startAfter, CancellationToken ct)
    {
        using (await writeGate.EnterAsync(ct))
        {
            try
            {
                await db.InTransactionAsync(async () =>
                {
                    var existing = await db.Pushers.TagWith("PusherStore.Set")
                        .FirstOrDefaultAsync(p => p.AppId == pusher.AppId && p.Pushkey == pusher.Pushkey && p.UserId == pusher.UserId, ct);
                    if (existing is null)
                    {
                        pusher.LastStreamOrdering = startAfter;
                        db.Pushers.Add(pusher);
                    }
                    else
                    {
                        existing.DeviceId = pusher.DeviceId;
                        existing.Kind = pusher.Kind;
                        existing.AppDisplayName = pusher.AppDisplayName;
                        existing.DeviceDisplayName = pusher.DeviceDisplayName;
                        existing.ProfileTag = pusher.ProfileTag;
                        existing.Lang = pusher.Lang;
                        existing.DataJson = pusher.DataJson;
                        existing.PushkeyTs = pusher.PushkeyTs;
                        existing.FailingSinceTs = null;
                    }
                    if (!append)
                    {
                        await db.Pushers.TagWith("PusherStore.RemoveOtherUsers")
                            .Where(p => p.AppId == pusher.AppId && p.Pushkey == pusher.Pushkey && p.UserId != pusher.UserId).ExecuteDeleteAsync(ct);
                    }
                    await db.SaveChangesAsync(ct);
                }, ct);
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>Deletes the user's pusher for (app id, pushkey); none is fine.</summary>
    public async Task DeleteAsync(string userId, string appId, string pushkey, CancellationToken ct)
    {
        using (await writeGate.EnterAsync(ct))
        {
            await db.Pushers.TagWith("PusherStore.Delete").Where(p => p.UserId == userId && p.AppId == appId && p.Pushkey == pushkey).ExecuteDeleteAsync(ct);
        }
    }

    /// <summary>Records delivery progress (or failure) of one pusher.</summary>
    public async Task UpdateDeliveryAsync(long pusherId, long lastStreamOrdering, long? failingSinceTs, CancellationToken ct)
    {
        using (await writeGate.EnterAsync(ct))
        {
            await db.Pushers.TagWith("PusherStore.UpdateDelivery").Where(p => p.Id == pusherId)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.LastStreamOrdering, lastStreamOrdering).SetProperty(p => p.FailingSinceTs, failingSinceTs), ct);
        }
    }

    /// <summary>Pushers whose pushkey the gateway rejected ("Homeservers must ... remove the associated pushers").</summary>
    public async Task DeleteRejectedAsync(long pusherId, CancellationToken ct)
    {
        using (await writeGate.EnterAsync(ct))
        {
            await db.Pushers.TagWith("PusherStore.DeleteRejected").Where(p => p.Id == pusherId).ExecuteDeleteAsync(ct);
        }
    }

    /// <summary>A deleted device (logout) takes the pushers it set along: nobody would read those notifications.</summary>
    public Task OnDevicesDeletingAsync(string userId, IReadOnlyCollection<string> deviceIds, CancellationToken ct) =>
        db.Pushers.TagWith("PusherStore.DeleteForDevices")
            .Where(p => p.UserId == userId && p.DeviceId != null && deviceIds.Contains(p.DeviceId)).ExecuteDeleteAsync(ct);
}
