using Messenger.Homeserver.FederationApi.Sending;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.FederationApi.Edus;

/// <summary>
/// Runs the resyncs of remote users' device lists in the background ("Device Management": a server that missed an update
/// "must resynchronise its list", through <c>GET /user/devices</c>), so that the <c>/send</c> transaction that brought
/// the update is answered at once, whatever the user's server does. Meanwhile the list is stale, so <c>/keys/query</c>
/// asks the user's server directly (<see cref="CachedRemoteKeyDirectory"/>). A failed resync is retried with the
/// federation sender's back-off (5 s doubling up to 10 minutes) until it succeeds or the user shares no room with us any
/// more. Requests for a user already waiting or running collapse into one (a request during a run runs it once more). The
/// stale flag in the database is the lasting record: stale lists are requested again at start. The same pattern as the
/// federation sender (a hosted service with an in-memory schedule over persistent state) rather than Quartz, whose
/// jobs would need a trigger per user and attempt.
/// </summary>
public sealed partial class RemoteDeviceResyncer(IServiceScopeFactory scopes, TimeProvider time, ILogger<RemoteDeviceResyncer> logger) : BackgroundService
{
    /// <summary>Resyncs running at once, so one slow server cannot hold all of them.</summary>
    public const int MaxParallel = 8;

    private readonly Lock gate = new();
    private readonly Dictionary<string, Attempt> waiting = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Attempt> running = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim woken = new(0, 1);

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Schedules a resync of <paramref name="userId"/> now (a pending retry is brought forward; its failures still count).</summary>
    public void Request(string userId)
    {
        lock (gate)
        {
            if (running.TryGetValue(userId, out var run)) run.Again = true;
            else if (waiting.TryGetValue(userId, out var wait)) wait.DueAt = 0;
            else waiting[userId] = new Attempt();
        }
        Wake();
    }

    /// <summary>Whether a resync of the user waits or runs (for tests and diagnostics).</summary>
    public bool IsPending(string userId)
    {
        lock (gate) return waiting.ContainsKey(userId) || running.ContainsKey(userId);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            foreach (var userId in await scope.ServiceProvider.GetRequiredService<RemoteDeviceStore>().StaleUsersAsync(stoppingToken)) Request(userId);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            LogLoopFailed(logger, e);
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = TimeSpan.FromMinutes(1);
            lock (gate)
            {
                var now = Now;
                foreach (var (userId, attempt) in waiting.Where(w => w.Value.DueAt <= now).Take(MaxParallel - running.Count).ToList())
                {
                    waiting.Remove(userId);
                    running[userId] = attempt;
                    _ = Task.Run(() => RunAsync(userId, attempt, stoppingToken), stoppingToken);
                }
                if (running.Count < MaxParallel && waiting.Count > 0)
                    wait = TimeSpan.FromMilliseconds(Math.Clamp(waiting.Values.Min(a => a.DueAt) - now, 1, wait.TotalMilliseconds));
            }
            await WaitAsync(wait, stoppingToken);
        }
    }

    private async Task RunAsync(string userId, Attempt attempt, CancellationToken ct)
    {
        var done = false;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            done = await scope.ServiceProvider.GetRequiredService<RemoteDeviceListFetcher>().ResyncAsync(userId, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            LogLoopFailed(logger, e);
        }
        lock (gate)
        {
            running.Remove(userId);
            if (attempt.Again) waiting[userId] = new Attempt { Failures = done ? 0 : attempt.Failures };
            else if (!done)
            {
                attempt.Failures++;
                attempt.DueAt = Now + (long)FederationSender.Backoff(attempt.Failures).TotalMilliseconds;
                waiting[userId] = attempt;
                LogRetry(logger, userId, attempt.Failures);
            }
            attempt.Again = false;
        }
        Wake();
    }

    private void Wake()
    {
        try
        {
            woken.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    private async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            await Task.WhenAny(Task.Delay(timeout, time, cancel.Token), woken.WaitAsync(cancel.Token));
        }
        finally
        {
            await cancel.CancelAsync();
        }
    }

    /// <summary>One user's resync: when it is due (ms) and how many attempts failed in a row.</summary>
    private sealed class Attempt
    {
        public long DueAt { get; set; }
        public int Failures { get; set; }
        public bool Again { get; set; }
    }

    [LoggerMessage(EventId = 7424, Level = LogLevel.Information, Message = "Device list resync of {UserId} failed {Failures} times in a row; retrying later")]
    private static partial void LogRetry(ILogger logger, string userId, int failures);

    [LoggerMessage(EventId = 7425, Level = LogLevel.Error, Message = "Device list resync loop failed")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}
