using System.Collections.Concurrent;

namespace Messenger.Homeserver.Media;

/// <summary>
/// Wakes downloads waiting for an asynchronous upload (<c>timeout_ms</c> on download and thumbnail) when that upload
/// completes in this process. A waiter registers before it reads the row, so an upload that lands in between is not
/// missed; a waiter that is not woken (another process took the upload) re-reads the row when its timeout ends.
/// </summary>
public sealed class UploadWaiters
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> waiting = new();

    /// <summary>The signal for <paramref name="mediaId"/>; complete when the upload arrives.</summary>
    public Task Register(string mediaId) =>
        waiting.GetOrAdd(mediaId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Notify(string mediaId)
    {
        if (waiting.TryRemove(mediaId, out var signal)) signal.TrySetResult();
    }

    /// <summary>Whether a download is waiting for <paramref name="mediaId"/> (tests use it to know a wait has begun).</summary>
    internal bool IsWaitedFor(string mediaId) => waiting.ContainsKey(mediaId);

    /// <summary>Drops the signal once nobody needs it (the wait timed out or the media was found already).</summary>
    public void Forget(string mediaId, Task signal)
    {
        if (waiting.TryGetValue(mediaId, out var current) && current.Task == signal)
        {
            waiting.TryRemove(new KeyValuePair<string, TaskCompletionSource>(mediaId, current));
        }
    }
}
