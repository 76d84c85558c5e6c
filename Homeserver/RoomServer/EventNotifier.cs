namespace Messenger.Homeserver.RoomServer;

/// <summary>
/// Wakes long-polling readers (sync) when something they watch changes: a room they are in, or themselves
/// (an invite, a membership change). Readers register the keys they watch, check the stream once more, then wait;
/// a writer notifies the keys an event touches after it is committed. Only the touched readers wake.
/// </summary>
public sealed class EventNotifier
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, HashSet<Waiter>> waitersByKey = new(StringComparer.Ordinal);
    private Action[] listeners = [];

    /// <summary>
    /// Calls <paramref name="listener"/> on every notification, whatever keys it touches, before the touched readers
    /// wake. Its one use: the federation sender is woken when a notification follows a device list change, as it turns
    /// local device list changes into EDUs itself; events need no listener (they are queued with their commit and the
    /// sender is woken by <see cref="Storage.LocalEventFanout"/>).
    /// </summary>
    public void OnAnyNotify(Action listener)
    {
        lock (gate) listeners = [.. listeners, listener];
    }

    /// <summary>Registers interest in <paramref name="keys"/> (room ids, user ids); dispose to stop waiting.</summary>
    public Waiter Watch(IEnumerable<string> keys)
    {
        var waiter = new Waiter(this, keys.Distinct(StringComparer.Ordinal).ToArray());
        lock (gate)
        {
            foreach (var key in waiter.Keys)
            {
                if (!waitersByKey.TryGetValue(key, out var set)) waitersByKey[key] = set = [];
                set.Add(waiter);
            }
        }
        return waiter;
    }

    /// <summary>Wakes every reader watching any of <paramref name="keys"/>.</summary>
    public void Notify(IEnumerable<string> keys)
    {
        List<Waiter>? woken = null;
        Action[] everything;
        lock (gate)
        {
            everything = listeners;
            foreach (var key in keys)
            {
                if (waitersByKey.TryGetValue(key, out var set)) (woken ??= []).AddRange(set);
            }
        }
        foreach (var listener in everything) listener();
        if (woken is null) return;
        foreach (var waiter in woken) waiter.Wake();
    }

    private void Remove(Waiter waiter)
    {
        lock (gate)
        {
            foreach (var key in waiter.Keys)
            {
                if (waitersByKey.TryGetValue(key, out var set) && set.Remove(waiter) && set.Count == 0) waitersByKey.Remove(key);
            }
        }
    }

    /// <summary>One reader's registration.</summary>
    public sealed class Waiter(EventNotifier owner, string[] keys) : IDisposable
    {
        private readonly TaskCompletionSource woken = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal string[] Keys { get; } = keys;

        internal void Wake() => woken.TrySetResult();

        /// <summary>
        /// True when woken, false when the timeout passed or the request was cancelled. The timeout is wall-clock
        /// time on purpose: a client's long-poll lasts what it asked for, whatever clock the server's logic reads.
        /// </summary>
        public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct)
        {
            if (woken.Task.IsCompleted) return true;
            try
            {
                await woken.Task.WaitAsync(timeout, ct);
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public void Dispose() => owner.Remove(this);
    }
}
