namespace Messenger.Homeserver.RoomServer;

/// <summary>
/// For one kind of change (events of a room, a user's account data, ...): the last stream position at which each key
/// (room or user) changed, so a sync can tell without a query that nothing changed for it since its token. A change is
/// recorded when its position is allocated, before it is written, so it is known before <see cref="StreamPositions.Current"/>
/// can pass it; a change that then rolls back only costs a needless query. Below the floor — the stream position when
/// this process started, or the newest change forgotten when the cache overflowed — nothing is known and every key
/// answers "may have changed". The cache can therefore make a sync query too much, never too little.
/// </summary>
public sealed class StreamChangeCache(StreamPositions positions, int maxEntries = 100_000)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, long> latest = new(StringComparer.Ordinal);
    private long forgottenUpTo;

    /// <summary>Records a change of <paramref name="key"/> at <paramref name="position"/> (call before the position finishes).</summary>
    public void Changed(string key, long position)
    {
        lock (gate)
        {
            if (latest.TryGetValue(key, out var known))
            {
                if (position > known) latest[key] = position;
                return;
            }
            if (latest.Count >= maxEntries)
            {
                foreach (var value in latest.Values) forgottenUpTo = Math.Max(forgottenUpTo, value);
                latest.Clear();
            }
            latest[key] = position;
        }
    }

    /// <summary>False only when <paramref name="key"/> certainly did not change after <paramref name="since"/>.</summary>
    public bool MayHaveChanged(string key, long since)
    {
        lock (gate)
        {
            if (since < Math.Max(positions.StartedAt, forgottenUpTo)) return true;
            return latest.TryGetValue(key, out var position) && position > since;
        }
    }

    /// <summary>The keys among <paramref name="keys"/> that may have changed after <paramref name="since"/>.</summary>
    public List<string> MayHaveChanged(IEnumerable<string> keys, long since) => keys.Where(k => MayHaveChanged(k, since)).ToList();
}
