namespace Messenger.Homeserver.Storage;

/// <summary>
/// Reads of one room's unread counts, shared by the syncs that ask at the same time: one message into a room of a
/// thousand members wakes a thousand long-polls, and each needs its user's counts of that room. At most one read per
/// room runs at a time; the syncs that ask meanwhile wait together and the next read answers all of them (one query for
/// many users), as a group commit shares one disk sync. Each asker joins before that read starts, and after fixing
/// its window, so the read sees everything it would have seen alone: nothing is kept between reads and nothing needs
/// invalidating. One per process.
/// </summary>
public sealed class UnreadCountReads
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, Queue> rooms = new(StringComparer.Ordinal);

    /// <summary>
    /// The room's read for <paramref name="userId"/> (whose window ends at <paramref name="upTo"/>), shared with the
    /// users asking at the same time. The caller that opens a read runs <paramref name="read"/> on its own database
    /// context, for all the users of the read and the earliest of their windows' ends; the others wait for it. Null when
    /// another caller's read failed: ask the database alone.
    /// </summary>
    public async Task<TResult?> ReadAsync<TResult>(string roomId, string userId, long upTo, Func<IReadOnlyCollection<string>, long, Task<TResult>> read)
        where TResult : class
    {
        Read batch;
        bool runs;
        lock (gate)
        {
            if (!rooms.TryGetValue(roomId, out var queue)) rooms[roomId] = queue = new Queue();
            if (queue.Running is null)
            {
                batch = queue.Running = new Read();
                batch.Turn.SetResult();
                runs = true;
            }
            else
            {
                runs = queue.Next is null;
                batch = queue.Next ??= new Read();
            }
            batch.Users.Add(userId);
            batch.UpTo = Math.Min(batch.UpTo, upTo);
        }
        if (!runs) return await batch.Result.Task as TResult;

        await batch.Turn.Task; // the read before it has finished; no one joins this one any more
        try
        {
            var result = await read(batch.Users, batch.UpTo);
            batch.Result.SetResult(result);
            return result;
        }
        catch
        {
            batch.Result.SetResult(null); // the others ask alone
            throw;
        }
        finally
        {
            lock (gate)
            {
                var queue = rooms[roomId];
                queue.Running = queue.Next;
                queue.Next = null;
                if (queue.Running is null) rooms.Remove(roomId);
                else queue.Running.Turn.SetResult();
            }
        }
    }

    /// <summary>A room's read in progress and the one gathering users for after it.</summary>
    private sealed class Queue
    {
        public Read? Running;
        public Read? Next;
    }

    private sealed class Read
    {
        public readonly HashSet<string> Users = new(StringComparer.Ordinal);
        public long UpTo = long.MaxValue;
        public readonly TaskCompletionSource Turn = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource<object?> Result = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
