namespace Messenger.Homeserver.RoomServer;

/// <summary>
/// Hands out event stream positions and tells readers how far the stream is complete. Positions are allocated
/// before commit and transactions of different rooms commit in any order, so a reader must never see position 11
/// while 10 is still being written (it would skip 10 for good). <see cref="Current"/> is the highest position below
/// which every allocated position has finished (committed or abandoned): sync reads up to it, never beyond.
/// One per process; with several processes the allocation moves to a PostgreSQL sequence (scale-out issue).
/// </summary>
public sealed class StreamPositions
{
    private readonly Lock gate = new();
    private readonly SortedSet<long> inFlight = [];
    private long lastAllocated;
    private long current;
    private long startedAt = long.MaxValue;

    /// <summary>The position up to which the stream is complete.</summary>
    public long Current
    {
        get
        {
            lock (gate) return current;
        }
    }

    /// <summary>
    /// Where this process's stream starts (after <see cref="SkipAheadAfterRestart"/>): every position at or below it
    /// was written by an earlier run, every later one by this process. Until then, <see cref="long.MaxValue"/>.
    /// </summary>
    public long StartedAt
    {
        get
        {
            lock (gate) return startedAt;
        }
    }

    /// <summary>Starts from the highest persisted position (at start-up).</summary>
    public void Initialize(long persistedMaximum)
    {
        lock (gate)
        {
            lastAllocated = Math.Max(lastAllocated, persistedMaximum);
            if (inFlight.Count == 0) current = lastAllocated;
        }
    }

    /// <summary>
    /// Called once at start-up after every <see cref="Initialize"/>: positions handed out by the previous run whose
    /// transactions rolled back were never stored, yet a client may hold a sync token beyond them. Continuing from the
    /// stored maximum would give those numbers to new events that such a client would then never see; a gap far larger
    /// than any run's failed writes avoids that. Positions only order things, so gaps cost nothing.
    /// </summary>
    public void SkipAheadAfterRestart(long gap = 1_000_000)
    {
        lock (gate)
        {
            lastAllocated += gap;
            if (inFlight.Count == 0) current = lastAllocated;
            startedAt = Math.Min(startedAt, lastAllocated);
        }
    }

    public long Allocate()
    {
        lock (gate)
        {
            var position = ++lastAllocated;
            inFlight.Add(position);
            return position;
        }
    }

    /// <summary>Marks a position finished, whether its transaction committed or rolled back (then it is a gap).</summary>
    public void Finish(long position)
    {
        lock (gate)
        {
            inFlight.Remove(position);
            current = inFlight.Count == 0 ? lastAllocated : inFlight.Min - 1;
        }
    }
}
