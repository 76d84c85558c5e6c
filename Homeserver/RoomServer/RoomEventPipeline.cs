using System.Collections.Immutable;
using System.Security.Cryptography;
using Messenger.Federation.Protocol.Encoding;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.RoomServer;

/// <summary>
/// The one event path for local events (DESIGN.md): build and authorise (<see cref="LocalEventBatch"/>), persist in
/// one transaction (<see cref="EventPersister"/>), then notify (sync waiters now; federation and application-service
/// senders read the same stream positions). Every room API that changes a room goes through here.
/// </summary>
public sealed partial class RoomEventPipeline(RoomStore rooms, EventPersister persister, RoomServerContext context, Push.IEventPushHook push, LocalSendQueues sendQueues)
{
    /// <summary>The room as the next local event sees it, or null if this server does not know the room.</summary>
    public async Task<RoomSnapshot?> SnapshotAsync(string roomId, CancellationToken ct)
    {
        if (context.Snapshots.TryGet(roomId, out var cached)) return cached;
        var room = await rooms.FindRoomAsync(roomId, ct);
        if (room is null) return null;
        var version = RoomVersions.Find(room.RoomVersion)
            ?? throw new InvalidOperationException($"room {roomId} has unknown version {room.RoomVersion}");
        var state = await rooms.CurrentStateAsync(roomId, ct);
        var extremities = await rooms.ExtremitiesAsync(roomId, ct);
        var snapshot = new RoomSnapshot(roomId, version, state.ToImmutableDictionary(), [.. extremities.Select(x => x.EventId)],
            extremities.Count == 0 ? 0 : extremities.Max(x => x.Depth),
            room.CurrentStateGroup != 0 ? room.CurrentStateGroup : extremities.Count == 0 ? 0 : extremities.MaxBy(x => x.Depth)!.StateGroupAfter);
        context.Snapshots.Set(snapshot);
        return snapshot;
    }

    /// <summary>An event of a room whose version is known, from the cache or the database.</summary>
    public async Task<Pdu> LoadEventAsync(string eventId, RoomVersion version, CancellationToken ct)
    {
        if (context.Events.TryGet(eventId, out var pdu)) return pdu;
        var row = await rooms.EventRowAsync(eventId, ct) ?? throw new InvalidOperationException($"event {eventId} is not stored");
        pdu = RoomStore.ToPdu(row, version);
        context.Events.Add(pdu);
        return pdu;
    }

    /// <summary>
    /// Sends one local event that another server must sign before it is valid: an invite of a remote user ("Inviting to
    /// a room": the invitee's server signs it first). The event is built and authorised under the room's lock, handed
    /// to <paramref name="countersign"/>, and the same event with the added signature is persisted. If countersigning
    /// throws, nothing is stored.
    /// </summary>
    public async Task<string> SendCountersignedAsync(string roomId, LocalEvent request, Func<RoomSnapshot, Pdu, CancellationToken, Task<Pdu>> countersign, CancellationToken ct)
    {
        using var held = await context.Locks.AcquireAsync(roomId, ct);
        var snapshot = await SnapshotAsync(roomId, ct) ?? throw MatrixError.NotFound("Unknown room");
        var batch = NewBatch(snapshot);
        var pdu = await batch.AddAsync(request, ct);
        batch.ReplaceLast(await countersign(snapshot, pdu, ct));
        await AnnounceAsync(await PersistAsync(batch, newRoom: null, ct), batch.Events);
        return pdu.EventId;
    }

    /// <summary>
    /// Creates a room: <paramref name="build"/> adds its first events (create, creator's join, ...) to a batch that
    /// is persisted in one transaction, so a room exists completely or not at all.
    /// </summary>
    public async Task<string> CreateRoomAsync(RoomVersion version, string creator, bool isPublic, Func<LocalEventBatch, Task> build, CancellationToken ct)
    {
        // Up to v11 we choose the id; from v12 it is the create event's hash, known once that event is built.
        var roomId = version.RoomIdFromCreateEvent ? "" : $"!{UnpaddedBase64.EncodeUrlSafe(RandomNumberGenerator.GetBytes(12)).Replace('-', 'a').Replace('_', 'b')}:{context.ServerName}";
        var batch = NewBatch(new RoomSnapshot(roomId, version, ImmutableDictionary<StateKey, string>.Empty, [], 0, 0));
        await build(batch);
        roomId = batch.Working.RoomId;
        // v12: the same user creating the same room in the same millisecond makes the same create event, hence the
        // same room id. Checked under the room's lock, so that two such requests at once cannot both find the id free:
        // the later one builds again a millisecond later rather than fail on the existing room.
        for (var attempt = 0; ; attempt++)
        {
            using (var held = await context.Locks.AcquireAsync(roomId, ct))
            {
                if (!version.RoomIdFromCreateEvent || attempt == MaxCreateAttempts || await rooms.FindRoomAsync(roomId, ct) is null)
                {
                    var row = new RoomRow { RoomId = roomId, RoomVersion = version.Id, Creator = creator, CreatedTs = context.Time.GetUtcNow().ToUnixTimeMilliseconds(), IsPublic = isPublic };
                    await AnnounceAsync(await PersistAsync(batch, row, ct), batch.Events);
                    return roomId;
                }
            }
            batch = NewBatch(new RoomSnapshot("", version, ImmutableDictionary<StateKey, string>.Empty, [], 0, 0), batch.Events[0].Pdu.OriginServerTs + 1);
            await build(batch);
            roomId = batch.Working.RoomId;
        }
    }

    /// <summary>
    /// How many times a v12 room is built again when its id is taken: each try moves a millisecond on, and with n
    /// identical requests at once the last may find n - 1 of them ahead of it.
    /// </summary>
    private const int MaxCreateAttempts = 64;

    private LocalEventBatch NewBatch(RoomSnapshot snapshot, long earliestTs = 0) =>
        new(snapshot, (id, ct) => LoadEventAsync(id, snapshot.Version, ct), context.ServerName, context.SigningKey, context.Time, earliestTs);

    /// <summary>Persists a local batch and remembers the room after it (snapshot, cached events); the caller announces it.</summary>
    private async Task<PersistResult> PersistAsync(LocalEventBatch batch, RoomRow? newRoom, CancellationToken ct)
    {
        var before = batch.Start with { RoomId = batch.Working.RoomId };
        // Push rules are evaluated first so that the notifications commit with their events (one transaction).
        var notifications = await push.EvaluateAsync(batch.Working, batch.Events, ct);
        PersistResult result;
        try
        {
            result = await persister.PersistAsync(before, batch.Events, newRoom, notifications, ct);
        }
        catch
        {
            // The database may hold something other than what we assumed; read it afresh next time.
            context.Snapshots.Forget(before.RoomId);
            context.Members.Forget(before.RoomId);
            throw;
        }
        Remember(result, batch.Events);
        return result;
    }

    /// <summary>
    /// Persists received events (<see cref="Remote.RemoteEventIngest"/>, joins) and then does what follows every persist:
    /// the caller holds the room's lock. <paramref name="newRoom"/> is inserted with them when the batch brings the room here.
    /// </summary>
    public async Task<PersistResult> PersistRemoteAsync(Remote.RemoteEventBatch batch, RoomRow? newRoom, CancellationToken ct)
    {
        PersistResult result;
        try
        {
            result = await persister.PersistRemoteAsync(batch.ToPersist(newRoom), ct);
        }
        catch
        {
            context.Snapshots.Forget(batch.Start.RoomId);
            context.Members.Forget(batch.Start.RoomId);
            throw;
        }
        // State resolution may have changed any membership.
        context.Members.Forget(batch.Start.RoomId);
        var timeline = batch.Events.Where(e => e.Kind == EventKind.Timeline).Select(e => new NewEvent(e.Pdu)).ToList();
        Remember(result, timeline);
        await AnnounceAsync(result, timeline);
        return result;
    }

    /// <summary>
    /// Persists backfilled history (<see cref="Remote.RemoteEventIngest.BackfillAsync"/>): nothing follows, as history
    /// older than the room's first event here is not news for sync, push or other servers.
    /// </summary>
    public Task<int> PersistBackfillAsync(string roomId, IReadOnlyList<Remote.BackfilledEvent> events, IReadOnlyList<(string Target, string Redaction)> redactions,
        long depthCeiling, CancellationToken ct) =>
        persister.PersistBackfillAsync(roomId, events, redactions, depthCeiling, ct);

    /// <summary>After every persist, still under the room's lock: the new snapshot and the cached events.</summary>
    private void Remember(PersistResult result, IReadOnlyList<NewEvent> events)
    {
        context.Snapshots.Set(result.Snapshot);
        foreach (var e in events) context.Events.Add(e.Pdu);
    }

    /// <summary>
    /// Step 4 of the event path: push rules (local events: their notifications are stored already), then sync waiters
    /// wake and the membership observers hear whose membership changed.
    /// </summary>
    private async Task AnnounceAsync(PersistResult result, IReadOnlyList<NewEvent> events)
    {
        if (result.Notifications is { } stored) push.Committed(stored);
        else if (events.Count > 0) await push.OnPersistedAsync(result.Snapshot, events, result.StreamOrderings);

        var keys = new HashSet<string>(StringComparer.Ordinal) { result.Snapshot.RoomId };
        List<string>? members = null;
        foreach (var e in events)
        {
            if (e.Pdu.Type != EventTypes.Member || e.Pdu.StateKey is not { } target) continue;
            keys.Add(target);
            (members ??= []).Add(target);
        }
        context.Notifier.Notify(keys);
        if (members is not null) context.Memberships.Changed(result.Snapshot.RoomId, members);
    }
}
