using Messenger.Homeserver.Media;
using Quartz;

namespace Messenger.Homeserver.Jobs;

/// <summary>
/// Hourly: forgets <c>mxc://</c> ids made by <c>POST /_matrix/media/v1/create</c> whose <c>unused_expires_at</c>
/// passed without an upload. They are already answered <c>M_NOT_FOUND</c> on read; this only reclaims their rows.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class ExpiredMediaIdsCleanupJob(MediaStore media, TimeProvider time, ILogger<ExpiredMediaIdsCleanupJob> logger) : IJob
{
    public static readonly JobKey Key = new("expired-media-ids-cleanup");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var deleted = await media.DeleteExpiredPendingAsync(time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        LogCleaned(logger, deleted);
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Cleanup: {MediaIds} expired unused media ids deleted")]
    private static partial void LogCleaned(ILogger logger, int mediaIds);
}
