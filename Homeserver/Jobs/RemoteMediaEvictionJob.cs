using Messenger.Homeserver.Media;
using Quartz;

namespace Messenger.Homeserver.Jobs;

/// <summary>
/// Hourly: keeps the cache of other servers' media within <c>media_retention</c> (<see cref="RemoteMediaEviction"/>).
/// Forgotten media is fetched again from its origin when asked for.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class RemoteMediaEvictionJob(RemoteMediaEviction eviction, ILogger<RemoteMediaEvictionJob> logger) : IJob
{
    public static readonly JobKey Key = new("remote-media-eviction");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var result = await eviction.RunAsync(cancellationToken);
        LogEvicted(logger, result.Items, result.Bytes, result.Files);
    }

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Remote media cache: {Items} items ({Bytes} bytes) evicted, {Files} files deleted")]
    private static partial void LogEvicted(ILogger logger, int items, long bytes, int files);
}
