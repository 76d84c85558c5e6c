using System.Collections.Concurrent;
using Messenger.Federation.Sending;

namespace Messenger.Homeserver.FederationApi.Sending;

/// <summary>
/// Wakes the federation sender: new events were notified, an EDU was queued, or a backed-off destination showed
/// it is up by sending us a request. Wake-ups while the sender is busy collapse into one, so nothing is missed and
/// nothing piles up.
/// </summary>
public sealed class FederationSenderSignal : IRemoteActivity
{
    private readonly SemaphoreSlim pending = new(0, 1);
    private readonly ConcurrentDictionary<string, bool> backedOff = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> recovered = new(StringComparer.Ordinal);

    public void Wake()
    {
        try
        {
            pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    public void MarkBackedOff(string destination) => backedOff[destination] = true;

    public void MarkDelivered(string destination) => backedOff.TryRemove(destination, out _);

    public void OnAuthenticatedRequest(string origin)
    {
        if (!backedOff.TryRemove(origin, out _)) return;
        recovered[origin] = true;
        Wake();
    }

    /// <summary>The backed-off destinations that have since sent us a request.</summary>
    public IReadOnlyList<string> TakeRecovered()
    {
        var taken = new List<string>();
        foreach (var destination in recovered.Keys)
        {
            if (recovered.TryRemove(destination, out _)) taken.Add(destination);
        }
        return taken;
    }

    /// <summary>Waits for a wake-up or <paramref name="timeout"/> on <paramref name="time"/>'s clock.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        using var delay = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var timer = Task.Delay(timeout, time, delay.Token);
        var woken = pending.WaitAsync(delay.Token);
        await Task.WhenAny(timer, woken);
        await delay.CancelAsync();
        try
        {
            await woken;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Timed out.
        }
        try
        {
            await timer;
        }
        catch (OperationCanceledException)
        {
            // Woken first.
        }
    }
}
