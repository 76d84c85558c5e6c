using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// Memberships of local users in rooms this server is not in (<see cref="OutOfBandMembershipRow"/>): remote invites,
/// knocks through another server, and the leaves that end them. The event is stored as an outlier (kept for the
/// protocol: a later join cites it), the row takes an event stream position in the same transaction, and the user's
/// syncs wake.
/// </summary>
public sealed class OutOfBandMembershipStore(HomeserverDbContext db, StreamPositions positions, DatabaseWriteGate writeGate, EventNotifier notifier, StreamChanges changes)
{
    /// <summary>Records <paramref name="membership"/> (its <c>state_key</c> the local user) with the room's stripped state.</summary>
    public async Task SetAsync(Pdu membership, string server, JsonArray strippedState, CancellationToken ct)
    {
        var userId = membership.StateKey ?? throw new ArgumentException("a membership event has a state key", nameof(membership));
        var roomId = membership.RoomId;
        var value = membership.Content["membership"] is JsonValue m && m.TryGetValue(out string? given) ? given : throw new ArgumentException("no membership", nameof(membership));
        using (await writeGate.EnterAsync(ct))
        {
            var position = positions.Allocate();
            try
            {
                await db.InTransactionAsync(async () =>
                {
                    if (!await db.Events.TagWith("OutOfBandMemberships.EventKnown").AnyAsync(e => e.EventId == membership.EventId, ct))
                    {
                        var json = membership.Json.DeepClone().AsObject();
                        json.Remove("unsigned");
                        db.Events.Add(new EventRow
                        {
                            EventId = membership.EventId, RoomId = roomId, StreamOrdering = -position, Depth = membership.Depth,
                            Type = membership.Type, StateKey = userId, Sender = membership.Sender, OriginServerTs = membership.OriginServerTs,
                            Membership = value, Json = json.ToJsonString(StoredJson.Options), Kind = EventKind.Outlier,
                        });
                    }
                    var row = await db.OutOfBandMemberships.TagWith("OutOfBandMemberships.Find")
                        .FirstOrDefaultAsync(r => r.RoomId == roomId && r.UserId == userId, ct);
                    if (row is null)
                    {
                        row = new OutOfBandMembershipRow
                        {
                            RoomId = roomId, UserId = userId, EventId = membership.EventId, Membership = value,
                            RoomVersion = membership.RoomVersion.Id, Server = server, StrippedState = strippedState.ToJsonString(),
                        };
                        db.OutOfBandMemberships.Add(row);
                    }
                    row.EventId = membership.EventId;
                    row.Membership = value;
                    row.RoomVersion = membership.RoomVersion.Id;
                    row.Server = server;
                    row.StrippedState = strippedState.ToJsonString();
                    row.StreamOrdering = position;
                    await db.SaveChangesAsync(ct);
                }, ct);
                changes.Memberships.Changed(userId, position);
            }
            finally
            {
                db.ChangeTracker.Clear();
                positions.Finish(position);
            }
        }
        notifier.Notify([userId, roomId]);
    }

    public Task<OutOfBandMembershipRow?> FindAsync(string roomId, string userId, CancellationToken ct) =>
        db.OutOfBandMemberships.TagWith("OutOfBandMemberships.FindOne").AsNoTracking().FirstOrDefaultAsync(r => r.RoomId == roomId && r.UserId == userId, ct);

    /// <summary>The user's out-of-band memberships up to <paramref name="upTo"/> (a sync window's end).</summary>
    public Task<List<OutOfBandMembershipRow>> OfUserAsync(string userId, long upTo, CancellationToken ct) =>
        db.OutOfBandMemberships.TagWith("OutOfBandMemberships.OfUser").AsNoTracking()
            .Where(r => r.UserId == userId && r.StreamOrdering <= upTo).ToListAsync(ct);

    public async Task<long> MaxPositionAsync(CancellationToken ct) =>
        await db.OutOfBandMemberships.TagWith("OutOfBandMemberships.MaxPosition").MaxAsync(r => (long?)r.StreamOrdering, ct) ?? 0;
}
