using Messenger.Homeserver.Configuration;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// SQLite has one writer at a time; writers that collide back off and poll, which under load costs far more than
/// waiting in line. So on SQLite event transactions queue here, in process; on PostgreSQL (row locks, many
/// writers) the gate is open. One per process (singleton).
/// </summary>
public sealed class DatabaseWriteGate(HomeserverConfig config)
{
    private readonly SemaphoreSlim? gate = config.Database.Type == DatabaseConfig.Sqlite ? new SemaphoreSlim(1, 1) : null;

    public async Task<IDisposable> EnterAsync(CancellationToken ct)
    {
        if (gate is null) return Open.Instance;
        await gate.WaitAsync(ct);
        return new Held(gate);
    }

    private sealed class Open : IDisposable
    {
        public static readonly Open Instance = new();

        public void Dispose()
        {
        }
    }

    private sealed class Held(SemaphoreSlim gate) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) gate.Release();
        }
    }
}
