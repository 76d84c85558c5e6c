using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.Push;

/// <summary>
/// Background delivery to push gateways (a hosted queue): woken per user by <see cref="PushDeliverySignal"/>, it runs
/// <see cref="PushDelivery"/> for each woken user, users in parallel, one run per user at a time. At start it catches
/// up on every user with pushers; a user whose gateway keeps failing is woken again after <see cref="RetryAfter"/>.
/// Nothing here is awaited by the event path.
/// </summary>
public sealed partial class PushDeliveryWorker(IServiceScopeFactory scopes, PushDeliverySignal signal, TimeProvider time, ILogger<PushDeliveryWorker> logger)
    : BackgroundService
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(5);

    private readonly Lock gate = new();
    private readonly HashSet<string> running = new(StringComparer.Ordinal);
    private readonly HashSet<string> again = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using (var scope = scopes.CreateAsyncScope())
            {
                var users = await scope.ServiceProvider.GetRequiredService<PusherStore>().UsersWithPushersAsync(stoppingToken);
                signal.PushersLoaded(users);
                signal.Wake(users);
            }
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            LogFailed(logger, e, "(catch-up)");
        }

        await foreach (var userId in signal.Reader.ReadAllAsync(stoppingToken))
        {
            lock (gate)
            {
                if (!running.Add(userId))
                {
                    again.Add(userId);
                    continue;
                }
            }
            _ = RunAsync(userId, stoppingToken);
        }
    }

    private async Task RunAsync(string userId, CancellationToken ct)
    {
        while (true)
        {
            lock (gate) again.Remove(userId);
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                if (await scope.ServiceProvider.GetRequiredService<PushDelivery>().DeliverAsync(userId, ct)) _ = WakeLaterAsync(userId, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                LogFailed(logger, e, userId);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            lock (gate)
            {
                if (!again.Contains(userId))
                {
                    running.Remove(userId);
                    return;
                }
            }
        }
    }

    private async Task WakeLaterAsync(string userId, CancellationToken ct)
    {
        try
        {
            await Task.Delay(RetryAfter, time, ct);
            signal.Wake([userId]);
        }
        catch (OperationCanceledException)
        {
            // Shutting down; the next start catches up.
        }
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Push delivery failed for {UserId}")]
    private static partial void LogFailed(ILogger logger, Exception exception, string userId);
}
