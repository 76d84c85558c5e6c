using Messenger.Homeserver.RoomServer;

namespace Messenger.Homeserver.ClientApi.Typing;

/// <summary>
/// Who is typing in which room ("Typing Notifications"), in memory: the server "does not remember users who are not
/// currently typing". Each change of a room's list (a user starts, stops, or their timeout runs out) takes an event
/// stream position, so sync sends the room's full list once per change, and wakes the room's long-polls. Expiry runs on
/// the injected <see cref="TimeProvider"/>. A room's entry stays once made (a few bytes), since a client holding an
/// older token must still learn that the list became empty. One per process (singleton).
/// </summary>
public sealed class TypingTracker : IDisposable
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, RoomTyping> byRoom = new(StringComparer.Ordinal);
    private readonly StreamPositions positions;
    private readonly EventNotifier notifier;
    private readonly TimeProvider time;
    private readonly ITimer timer;

    public TypingTracker(StreamPositions positions, EventNotifier notifier, TimeProvider time)
    {
        this.positions = positions;
        this.notifier = notifier;
        this.time = time;
        timer = time.CreateTimer(_ => Expire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Raised (outside the lock) with room, user and whether they type now, for every change of one user's typing in a
    /// room: set, stopped or expired. The federation sender hooks here for <c>m.typing</c> EDUs.
    /// </summary>
    public event Action<string, string, bool>? UserChanged;

    /// <summary>Marks a user typing until now + <paramref name="timeout"/>, or not typing; true when the room's list changed.</summary>
    public bool Set(string roomId, string userId, bool typing, TimeSpan timeout)
    {
        bool changed;
        lock (gate)
        {
            if (!byRoom.TryGetValue(roomId, out var room)) byRoom[roomId] = room = new RoomTyping();
            if (typing)
            {
                changed = !room.Until.ContainsKey(userId);
                room.Until[userId] = time.GetUtcNow() + timeout;
            }
            else changed = room.Until.Remove(userId);
            if (changed) room.Position = NextPosition();
            Reschedule();
        }
        if (changed)
        {
            notifier.Notify([roomId]);
            UserChanged?.Invoke(roomId, userId, typing);
        }
        return changed;
    }

    /// <summary>
    /// The current typing lists of the rooms whose list changed in the window (<paramref name="since"/>, <paramref name="upTo"/>],
    /// or, for an initial sync (<paramref name="since"/> null), of the rooms where someone is typing.
    /// </summary>
    public Dictionary<string, List<string>> Changed(IEnumerable<string> roomIds, long? since, long upTo)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        lock (gate)
        {
            foreach (var roomId in roomIds)
            {
                if (!byRoom.TryGetValue(roomId, out var room) || room.Position > upTo) continue;
                if (since is { } s ? room.Position > s : room.Until.Count > 0)
                    result[roomId] = room.Until.Keys.Order(StringComparer.Ordinal).ToList();
            }
        }
        return result;
    }

    private void Expire()
    {
        var changedRooms = new List<string>();
        var expiredUsers = new List<(string RoomId, string UserId)>();
        lock (gate)
        {
            var now = time.GetUtcNow();
            foreach (var (roomId, room) in byRoom)
            {
                var expired = room.Until.Where(kv => kv.Value <= now).Select(kv => kv.Key).ToList();
                if (expired.Count == 0) continue;
                foreach (var user in expired)
                {
                    room.Until.Remove(user);
                    expiredUsers.Add((roomId, user));
                }
                room.Position = NextPosition();
                changedRooms.Add(roomId);
            }
            Reschedule();
        }
        if (changedRooms.Count > 0) notifier.Notify(changedRooms);
        foreach (var (roomId, userId) in expiredUsers) UserChanged?.Invoke(roomId, userId, false);
    }

    /// <summary>Arms the timer for the earliest expiry (caller holds the lock).</summary>
    private void Reschedule()
    {
        var next = byRoom.Values.SelectMany(r => r.Until.Values).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
        var due = next == DateTimeOffset.MaxValue ? Timeout.InfiniteTimeSpan : TimeSpan.FromTicks(Math.Max(0, (next - time.GetUtcNow()).Ticks));
        timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private long NextPosition()
    {
        var position = positions.Allocate();
        positions.Finish(position);
        return position;
    }

    public void Dispose() => timer.Dispose();

    private sealed class RoomTyping
    {
        public Dictionary<string, DateTimeOffset> Until { get; } = new(StringComparer.Ordinal);
        public long Position { get; set; }
    }
}
