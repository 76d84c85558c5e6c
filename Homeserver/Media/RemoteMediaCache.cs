using Messenger.Federation.Protocol.Identifiers;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.Media;

/// <summary>
/// Media of other servers ("Content Repository" of the server-server API): fetched from the origin named in the
/// <c>mxc://</c> URI the first time a local user asks, stored in the content store and remembered in
/// <c>remote_media_cache</c>, so every later download or thumbnail of it is served from disk. One fetch per id at a
/// time in this process; a failed fetch stores nothing. Each use is remembered (to within
/// <see cref="AccessResolution"/>) for <see cref="RemoteMediaEviction"/>; media it forgot, or whose file is gone, is
/// fetched again as if never cached.
/// </summary>
public sealed class RemoteMediaCache(MediaStore store, RemoteMediaFetcher fetcher, KeyedLocks locks, MediaFiles files, HomeserverConfig config, TimeProvider time)
{
    /// <summary>Remote ids may be longer than ours, but still only of the spec's characters.</summary>
    private const int MaxRemoteIdLength = 255;

    /// <summary>How stale the recorded last use may get: one write per item per hour, not one per download.</summary>
    public static readonly TimeSpan AccessResolution = TimeSpan.FromHours(1);

    /// <summary>
    /// The cached media, fetched first when needed. On the deprecated endpoints (<paramref name="legacy"/>) with
    /// <c>enable_authenticated_media</c> on nothing is fetched: what would be cached now is "newly uploaded" for the
    /// v1.12 freeze and could not be served there anyway.
    /// </summary>
    public async Task<StoredMedia> GetAsync(string origin, string mediaId, long? timeoutMs, bool legacy, CancellationToken ct)
    {
        if (!ServerName.IsValid(origin) || origin.Length > 255 || !MediaIds.IsValid(mediaId, MaxRemoteIdLength))
            throw MediaService.UnknownMedia();
        var cached = await FindUsableAsync(origin, mediaId, ct);
        if (cached is not null) return Stored(cached);
        if (legacy && config.EnableAuthenticatedMedia) throw MediaService.UnknownMedia();

        using (await locks.AcquireAsync(origin + "/" + mediaId, ct))
        {
            cached = await FindUsableAsync(origin, mediaId, ct);
            if (cached is not null) return Stored(cached);
            // A row whose file is gone (evicted as this request read it, or removed by hand) is fetched afresh.
            await store.DeleteRemoteAsync(origin, mediaId, null, ct);
            var fetched = await fetcher.FetchAsync(origin, mediaId, timeoutMs, ct);
            var row = await store.AddRemoteAsync(new RemoteMediaRow
            {
                Origin = origin,
                MediaId = mediaId,
                ContentType = fetched.ContentType,
                UploadName = fetched.FileName,
                Size = fetched.Size,
                Sha256 = fetched.Sha256,
                CachedTs = Now(),
                LastAccessTs = Now(),
                Authenticated = config.EnableAuthenticatedMedia,
            }, ct);
            return Stored(row);
        }
    }

    /// <summary>The cached row when its file is there, its last use recorded when the record is over an hour old.</summary>
    private async Task<RemoteMediaRow?> FindUsableAsync(string origin, string mediaId, CancellationToken ct)
    {
        var row = await store.FindRemoteAsync(origin, mediaId, ct);
        if (row is null || !File.Exists(files.ContentPath(row.Sha256))) return null;
        var now = Now();
        if (now - row.LastAccessTs >= (long)AccessResolution.TotalMilliseconds) await store.TouchRemoteAsync(origin, mediaId, now, ct);
        return row;
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static StoredMedia Stored(RemoteMediaRow row) => new(row.Sha256, row.ContentType, row.UploadName, row.Authenticated);
}
