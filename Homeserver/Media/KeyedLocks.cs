namespace Messenger.Homeserver.Media;

/// <summary>
/// One asynchronous lock per key, dropped when nobody holds or waits for it: concurrent requests for the same remote
/// media make one fetch, the others find it cached when they get the lock.
/// </summary>
public sealed class KeyedLocks
{
    private readonly Dictionary<string, (SemaphoreSlim Gate, int Users)> gates = new(StringComparer.Ordinal);

    public async Task<IDisposable> AcquireAsync(string key, CancellationToken ct)
    {
        SemaphoreSlim gate;
        lock (gates)
        {
            gate = gates.TryGetValue(key, out var entry) ? entry.Gate : new SemaphoreSlim(1, 1);
            gates[key] = (gate, entry.Users + 1);
        }
        try
        {
            await gate.WaitAsync(ct);
        }
        catch
        {
            Leave(key);
            throw;
        }
        return new Holder(this, key, gate);
    }

    private void Leave(string key)
    {
        lock (gates)
        {
            var (gate, users) = gates[key];
            if (users == 1)
            {
                gates.Remove(key);
                gate.Dispose();
            }
            else
            {
                gates[key] = (gate, users - 1);
            }
        }
    }

    private sealed class Holder(KeyedLocks owner, string key, SemaphoreSlim gate) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) != 0) return;
            gate.Release();
            owner.Leave(key);
        }
    }
}
