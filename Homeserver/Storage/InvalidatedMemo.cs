namespace Messenger.Homeserver.Storage;

/// <summary>
/// Values read from the database per key (a device, say) and kept in memory until a write of that key invalidates
/// them, for reads that every request repeats and writes that are rare (a device's one-time key counts: each woken
/// <c>/sync</c> reports them, only uploads, claims and device deletions change them).
/// <para>
/// Writers call <see cref="Invalidate"/> through <see cref="AfterCommit.Invalidate"/> after their write statement:
/// at once, and again when the transaction commits. A read that started before an invalidation of its key is never
/// kept, so a reader that loaded the old committed value while the write was still uncommitted cannot store it after
/// the commit's invalidation either. A kept value is shared: callers must not modify it.
/// </para>
/// <para>
/// One per process. Writes by another process (a second homeserver worker on the same database) do not reach it:
/// scaling out needs the invalidations published between processes (PostgreSQL <c>LISTEN/NOTIFY</c>, say) or these
/// reads moved to the process that owns the key's writes.
/// </para>
/// </summary>
public sealed class InvalidatedMemo<TValue>(int maxEntries = 100_000) where TValue : class
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);

    /// <summary>Counts invalidations; a read remembers the count it started at.</summary>
    private long generation;

    /// <summary>The generation at which the entries (with their invalidation marks) were last dropped to bound memory.</summary>
    private long clearedAt;

    /// <summary>The key's value: kept, or read by <paramref name="read"/> (and kept unless the key was invalidated meanwhile).</summary>
    public async Task<TValue> GetAsync(string key, Func<Task<TValue>> read)
    {
        if (TryGet(key, out var known)) return known;
        var startedAt = ReadStarts();
        var fresh = await read();
        Keep(key, fresh, startedAt);
        return fresh;
    }

    /// <summary>The key's kept value, if any.</summary>
    public bool TryGet(string key, out TValue value)
    {
        lock (gate)
        {
            if (entries.TryGetValue(key, out var known) && known.Value is { } kept)
            {
                value = kept;
                return true;
            }
        }
        value = null!;
        return false;
    }

    /// <summary>Call before reading values from the database; pass the result to <see cref="Keep"/> with what was read.</summary>
    public long ReadStarts()
    {
        lock (gate) return generation;
    }

    /// <summary>Keeps a value read after <paramref name="startedAt"/> (<see cref="ReadStarts"/>), unless its key was invalidated since.</summary>
    public void Keep(string key, TValue value, long startedAt)
    {
        lock (gate)
        {
            entries.TryGetValue(key, out var mark);
            if (startedAt < clearedAt || (mark is not null && mark.InvalidatedAt > startedAt)) return;
            if (mark is null && entries.Count >= maxEntries) Clear();
            entries[key] = new Entry(value, mark?.InvalidatedAt ?? 0);
        }
    }

    /// <summary>Forgets the key's value and refuses to keep any read of it that started before now.</summary>
    public void Invalidate(string key)
    {
        lock (gate)
        {
            generation++;
            if (!entries.ContainsKey(key) && entries.Count >= maxEntries) Clear();
            entries[key] = new Entry(null, generation);
        }
    }

    private void Clear()
    {
        entries.Clear();
        clearedAt = generation;
    }

    /// <summary>A kept value, or (null) only the mark of the key's last invalidation.</summary>
    private sealed record Entry(TValue? Value, long InvalidatedAt);
}
