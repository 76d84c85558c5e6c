using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Storage;
using Quartz;

namespace Messenger.Homeserver.Jobs;

/// <summary>
/// Hourly: deletes User-Interactive Authentication sessions past their lifetime (which also frees the registration
/// token uses they held as pending) and access tokens that expired over a day ago (refreshable ones; the refresh
/// token stays, so the device can still refresh). Expired rows are already refused on read; this only reclaims space.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class ExpiredSessionsCleanupJob(
    UiaSessionStore sessions, DeviceStore devices, HomeserverConfig config, TimeProvider time, ILogger<ExpiredSessionsCleanupJob> logger) : IJob
{
    public static readonly JobKey Key = new("expired-sessions-cleanup");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var uia = await sessions.DeleteExpiredAsync(now - config.Auth.UiaSessionLifetimeMs, cancellationToken);
        var tokens = await devices.DeleteExpiredAccessTokensAsync(now - (long)TimeSpan.FromDays(1).TotalMilliseconds, cancellationToken);
        LogCleaned(logger, uia, tokens);
    }

    [LoggerMessage(EventId = 2000, Level = LogLevel.Debug, Message = "Cleanup: {Sessions} expired UIA sessions, {Tokens} expired access tokens deleted")]
    private static partial void LogCleaned(ILogger logger, int sessions, int tokens);
}
