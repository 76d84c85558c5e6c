using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.Media;

/// <summary>
/// Forgets cached remote media by <c>media_retention</c>: first what nobody asked for during
/// <c>remote_media_lifetime</c> (Synapse's rule), then the least recently used until the cache is within
/// <c>remote_cache_max_size</c>. Media used while it is being chosen stays. A content file goes only with its last
/// reference: the same bytes uploaded locally, or cached for another mxc id, keep it. Forgotten media is fetched
/// again from its origin by the next request for it (<see cref="RemoteMediaCache"/>).
/// </summary>
public sealed class RemoteMediaEviction(MediaStore store, MediaFiles files, HomeserverConfig config, TimeProvider time)
{
    private const int BatchSize = 200;

    /// <summary>What one run forgot.</summary>
    public readonly record struct Result(int Items, long Bytes, int Files);

    public async Task<Result> RunAsync(CancellationToken ct)
    {
        var retention = config.MediaRetention;
        var items = 0;
        var bytes = 0L;
        var deletedFiles = 0;

        if (retention.Lifetime is { } lifetime)
        {
            var usedBefore = time.GetUtcNow().ToUnixTimeMilliseconds() - (long)lifetime.TotalMilliseconds;
            // Every row that fails to go was used since it was chosen, so it no longer matches: the walk ends.
            while (await store.LeastRecentlyUsedRemoteAsync(usedBefore, BatchSize, ct) is { Count: > 0 } batch)
            {
                foreach (var row in batch)
                    if (await EvictAsync(row, ct) is { } deleted) (items, bytes, deletedFiles) = (items + 1, bytes + row.Size, deletedFiles + deleted);
            }
        }

        var max = retention.RemoteCacheMaxSize;
        if (max > 0)
        {
            var total = await store.RemoteCacheSizeAsync(ct);
            while (total > max && await store.LeastRecentlyUsedRemoteAsync(null, BatchSize, ct) is { Count: > 0 } batch)
            {
                foreach (var row in batch)
                {
                    if (total <= max) break;
                    if (await EvictAsync(row, ct) is not { } deleted) continue;
                    total -= row.Size;
                    (items, bytes, deletedFiles) = (items + 1, bytes + row.Size, deletedFiles + deleted);
                }
            }
        }
        return new Result(items, bytes, deletedFiles);
    }

    /// <summary>Forgets one item; null when it was used meanwhile, else how many files (0 or 1) went with it.</summary>
    private async Task<int?> EvictAsync(RemoteMediaRow row, CancellationToken ct)
    {
        if (!await store.DeleteRemoteAsync(row.Origin, row.MediaId, row.LastAccessTs, ct)) return null;
        return await files.DeleteUnreferencedAsync(row.Sha256, c => store.IsContentReferencedAsync(row.Sha256, c), ct) ? 1 : 0;
    }
}
