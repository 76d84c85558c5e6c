using Messenger.Homeserver.Configuration;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// Group commit for SQLite's event transactions. SQLite has one writer at a time, and with <c>synchronous=FULL</c>
/// each commit also syncs the write-ahead log while it still holds the write lock (0.7 ms on this machine), so rooms
/// queued for the disk one by one. An event transaction instead commits with <c>synchronous=NORMAL</c> on the event
/// writer's connection (<see cref="EventTransactions"/>; its WAL frames are written, not yet synced), lets the next
/// writer in, and then waits here for one <c>fsync</c> of the WAL that
/// covers every commit finished before it began. The sender is answered, and the events' stream positions become
/// visible to sync, only after that sync — so an acknowledged event still survives a power loss, and the rooms
/// committing meanwhile share one disk sync.
/// </summary>
/// <remarks>
/// SQLite documents FULL in WAL mode as NORMAL plus a sync of the WAL after each commit; NORMAL already syncs the WAL
/// before a checkpoint copies it into the database and the database after it. That one per-commit step is what runs
/// here, shared. The WAL is opened by path for each sync: SQLite deletes it when its last connection closes (after a
/// checkpoint, so nothing is lost then) and a new one is a new file. Other writes (accounts, receipts, …) keep FULL.
/// One per process (singleton); on PostgreSQL it does nothing — there commits already run in parallel and
/// <c>synchronous_commit</c> makes each durable.
/// </remarks>
public sealed class SqliteGroupSync(HomeserverConfig config, SqliteCheckpoints checkpoints)
{
    private readonly string? walPath = config.Database.Type == DatabaseConfig.Sqlite ? Path.GetFullPath(config.Database.SqlitePath!) + "-wal" : null;
    private readonly Lock gate = new();
    private TaskCompletionSource? next;
    private bool syncing;

    /// <summary>Completes once every commit made before the call is on disk (one <c>fsync</c> for all callers waiting).</summary>
    public Task SyncAsync()
    {
        if (walPath is null) return Task.CompletedTask;
        checkpoints.Committed();
        lock (gate)
        {
            next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var task = next.Task;
            if (!syncing)
            {
                syncing = true;
                _ = Task.Run(SyncLoop);
            }
            return task;
        }
    }

    /// <summary>
    /// Takes everyone waiting, syncs once, answers them; callers that arrived during a sync (their commit may have
    /// finished after it began) get the next one.
    /// </summary>
    private void SyncLoop()
    {
        while (true)
        {
            TaskCompletionSource batch;
            lock (gate)
            {
                if (next is null)
                {
                    syncing = false;
                    return;
                }
                batch = next;
                next = null;
            }
            try
            {
                SyncWal(walPath!);
                batch.SetResult();
            }
            catch (Exception e)
            {
                batch.SetException(e);
            }
        }
    }

    private static void SyncWal(string path)
    {
        Microsoft.Win32.SafeHandles.SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            return; // checkpointed into the database (and synced) and deleted: nothing left to sync
        }
        using (handle) RandomAccess.FlushToDisk(handle);
    }
}
