using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.RoomServer;

namespace Messenger.Homeserver.ClientApi.Presence;

/// <summary>
/// Local users' presence, in memory (one per process): what clients set, what syncing implies, and the timeouts
/// Synapse users know: online with no activity for <see cref="IdleTimeout"/> becomes unavailable, and a user with
/// no sync running for <see cref="SyncTimeout"/> goes offline. Every change takes an event stream position and is
/// reported to <see cref="Changed"/> subscribers (which wake the syncs of those who share a room). Time is the
/// injected <see cref="TimeProvider"/>. Lost on restart: users come back online with their next sync.
/// </summary>
public sealed class PresenceTracker : IDisposable
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan SyncTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan SweepPeriod = TimeSpan.FromSeconds(5);

    private readonly Lock gate = new();
    private readonly Dictionary<string, Entry> byUser = new(StringComparer.Ordinal);
    private readonly StreamPositions positions;
    private readonly TimeProvider time;
    private readonly ITimer? timer;

    public PresenceTracker(StreamPositions positions, TimeProvider time, HomeserverConfig config)
    {
        this.positions = positions;
        this.time = time;
        Enabled = config.Presence.Enabled;
        if (Enabled) timer = time.CreateTimer(_ => Sweep(), null, SweepPeriod, SweepPeriod);
    }

    public bool Enabled { get; }

    /// <summary>Raised (outside the lock) with the user whose presence changed.</summary>
    public event Action<string>? Changed;

    /// <summary>The user's presence, or null when nothing is known (offline).</summary>
    public PresenceState? Get(string userId)
    {
        lock (gate) return byUser.TryGetValue(userId, out var e) ? e.Snapshot(userId) : null;
    }

    /// <summary>
    /// The presence of <paramref name="userIds"/> that changed in (<paramref name="since"/>, <paramref name="upTo"/>],
    /// or all that is known of them when <paramref name="since"/> is null.
    /// </summary>
    public List<PresenceState> ChangedAmong(IEnumerable<string> userIds, long? since, long upTo)
    {
        var result = new List<PresenceState>();
        lock (gate)
        {
            foreach (var userId in userIds)
            {
                if (byUser.TryGetValue(userId, out var e) && e.Position <= upTo && (since is not { } s || e.Position > s)) result.Add(e.Snapshot(userId));
            }
        }
        return result;
    }

    /// <summary>Users whose presence changed after <paramref name="since"/>, cheap to ask before finding who shares a room.</summary>
    public List<string> ChangedSince(long since)
    {
        lock (gate) return byUser.Where(kv => kv.Value.Position > since).Select(kv => kv.Key).ToList();
    }

    /// <summary><c>PUT /presence/{userId}/status</c>: the state and message as given; setting it counts as activity.</summary>
    public void Set(string userId, string state, string? statusMsg)
    {
        if (!Enabled) return;
        Update(userId, e =>
        {
            e.State = state;
            e.StatusMsg = statusMsg;
            e.LastActive = e.LastSeen = time.GetUtcNow();
        });
    }

    /// <summary>
    /// A remote user's presence as their server pushed it (<c>m.presence</c> EDU): kept as given, never swept by the
    /// local timeouts (their server sends the next change). <paramref name="lastActiveAgo"/> is relative to now.
    /// </summary>
    public void SetRemote(string userId, string state, string? statusMsg, TimeSpan lastActiveAgo)
    {
        if (!Enabled) return;
        Update(userId, e =>
        {
            e.Remote = true;
            e.State = state;
            e.StatusMsg = statusMsg;
            e.LastActive = e.LastSeen = time.GetUtcNow() - lastActiveAgo;
        });
    }

    /// <summary>
    /// A sync starts (<c>set_presence</c>: online, the default, marks the user online and active; unavailable marks
    /// them unavailable; offline leaves presence alone). Dispose when the sync ends.
    /// </summary>
    public IDisposable Syncing(string userId, string setPresence)
    {
        if (!Enabled) return NoOp.Instance;
        Update(userId, e =>
        {
            e.Syncs++;
            var now = time.GetUtcNow();
            e.LastSeen = now;
            if (setPresence == PresenceState.Online)
            {
                e.State = PresenceState.Online;
                e.LastActive = now;
            }
            else if (setPresence == PresenceState.Unavailable && e.State != PresenceState.Unavailable) e.State = PresenceState.Unavailable;
        });
        return new SyncEnd(this, userId);
    }

    /// <summary>
    /// The user did something (sent an event): active now, and an unavailable user is online again, as in Synapse.
    /// An offline user stays offline; their next sync brings them online.
    /// </summary>
    public void Active(string userId)
    {
        if (!Enabled) return;
        Update(userId, e =>
        {
            var now = time.GetUtcNow();
            e.LastActive = e.LastSeen = now;
            if (e.State == PresenceState.Unavailable) e.State = PresenceState.Online;
        });
    }

    private void EndSync(string userId) => Update(userId, e =>
    {
        e.Syncs--;
        e.LastSeen = time.GetUtcNow();
    });

    /// <summary>Applies the timeouts: idle online users become unavailable, users without a sync for a while offline.</summary>
    private void Sweep()
    {
        List<string> changed;
        lock (gate)
        {
            var now = time.GetUtcNow();
            changed = [];
            foreach (var (userId, e) in byUser)
            {
                if (e.Remote) continue;
                var state = e.State;
                if (state == PresenceState.Online && now - e.LastActive >= IdleTimeout) state = PresenceState.Unavailable;
                if (state != PresenceState.Offline && e.Syncs == 0 && now - e.LastSeen >= SyncTimeout) state = PresenceState.Offline;
                if (state == e.State) continue;
                e.State = state;
                e.Position = NextPosition();
                changed.Add(userId);
            }
        }
        foreach (var userId in changed) Changed?.Invoke(userId);
    }

    /// <summary>Runs <paramref name="change"/> on the user's entry; a change others see (state, message, becoming active) takes a position.</summary>
    private void Update(string userId, Action<Entry> change)
    {
        bool visible;
        lock (gate)
        {
            if (!byUser.TryGetValue(userId, out var e)) byUser[userId] = e = new Entry { LastActive = DateTimeOffset.MinValue };
            var before = (e.State, e.StatusMsg, Active: e.CurrentlyActive(time.GetUtcNow()));
            change(e);
            // A first entry is news unless it says what knowing nothing says (offline, no message): a user who only
            // sends (a bot that never syncs) would otherwise wake every member of its rooms with its first message.
            visible = before != (e.State, e.StatusMsg, e.CurrentlyActive(time.GetUtcNow()))
                || (e.Position == 0 && (e.State != PresenceState.Offline || e.StatusMsg is not null));
            if (visible) e.Position = NextPosition();
        }
        if (visible) Changed?.Invoke(userId);
    }

    private long NextPosition()
    {
        var position = positions.Allocate();
        positions.Finish(position);
        return position;
    }

    public void Dispose() => timer?.Dispose();

    private sealed class Entry
    {
        public string State { get; set; } = PresenceState.Offline;
        public string? StatusMsg { get; set; }
        public DateTimeOffset LastActive { get; set; }
        public DateTimeOffset LastSeen { get; set; }
        public int Syncs { get; set; }
        public long Position { get; set; }
        public bool Remote { get; set; }

        public bool CurrentlyActive(DateTimeOffset now) => State == PresenceState.Online && now - LastActive < PresenceState.ActiveWindow;

        public PresenceState Snapshot(string userId) => new(userId, State, StatusMsg, LastActive, Position);
    }

    private sealed class SyncEnd(PresenceTracker owner, string userId) : IDisposable
    {
        private int done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref done, 1) == 0) owner.EndSync(userId);
        }
    }

    private sealed class NoOp : IDisposable
    {
        public static readonly NoOp Instance = new();

        public void Dispose()
        {
        }
    }
}
