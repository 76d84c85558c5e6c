using System.Net.Http.Headers;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.Media;

/// <summary>
/// The content repository of local media: uploads (direct and asynchronous), lookups for download and thumbnail.
/// Media of other servers is <see cref="RemoteMediaCache"/>'s; <see cref="MediaLookup"/> chooses.
/// </summary>
public sealed class MediaService(MediaStore store, MediaFiles files, UploadWaiters waiters, HomeserverConfig config, TimeProvider time)
{
    public const string DefaultContentType = "application/octet-stream";

    /// <summary>How long a created id waits for its upload: the spec's recommended 24 hours ("POST /_matrix/media/v1/create").</summary>
    public static readonly TimeSpan UnusedExpiry = TimeSpan.FromHours(24);

    /// <summary>Created ids a user may hold un-uploaded at once before <c>/create</c> is refused with 429; Synapse's default.</summary>
    public const int MaxPendingUploads = 5;

    /// <summary><c>timeout_ms</c>: the spec's default of 20 s, and the cap it asks servers to impose.</summary>
    public const long DefaultTimeoutMs = 20_000;
    public const long MaxTimeoutMs = 60_000;

    public long MaxUploadSize => config.Limits.MaxUploadSize;

    /// <summary>
    /// <c>POST /_matrix/media/v3/upload</c>: stores the bytes (once per distinct content) and gives them a new id.
    /// Over <c>limits.max_upload_size</c>: 413 <c>M_TOO_LARGE</c> and nothing stored.
    /// </summary>
    public async Task<string> UploadAsync(Requester requester, MediaUpload upload, CancellationToken ct) =>
        (await StoreAsync(requester, upload, ct)).ContentUri;

    /// <summary><see cref="UploadAsync"/> that also says how many bytes were stored (URL previews report the size).</summary>
    public async Task<(string ContentUri, long Size)> StoreAsync(Requester requester, MediaUpload upload, CancellationToken ct)
    {
        var (sha256, size) = await files.SaveAsync(upload.Body, upload.Length, MaxUploadSize, ct);
        var mediaId = MediaIds.New();
        await store.AddAsync(new MediaRow
        {
            MediaId = mediaId,
            UserId = requester.UserId,
            ContentType = NormalizeContentType(upload.ContentType),
            UploadName = NormalizeFileName(upload.FileName),
            Size = size,
            Sha256 = sha256,
            CreatedTs = Now(),
            Authenticated = config.EnableAuthenticatedMedia,
        }, ct);
        return (ContentUri(mediaId), size);
    }

    /// <summary>
    /// <c>POST /_matrix/media/v1/create</c>: an id without content, usable by its creator for <see cref="UnusedExpiry"/>.
    /// More than <see cref="MaxPendingUploads"/> pending ids: 429 <c>M_LIMIT_EXCEEDED</c>.
    /// </summary>
    public async Task<(string ContentUri, long UnusedExpiresAt)> CreateAsync(Requester requester, CancellationToken ct)
    {
        var now = Now();
        if (await store.CountPendingAsync(requester.UserId, now, ct) >= MaxPendingUploads)
            throw MatrixError.LimitExceeded(null);
        var expires = now + (long)UnusedExpiry.TotalMilliseconds;
        var mediaId = MediaIds.New();
        await store.AddAsync(new MediaRow { MediaId = mediaId, UserId = requester.UserId, CreatedTs = now, UnusedExpiresTs = expires, Authenticated = config.EnableAuthenticatedMedia }, ct);
        return (ContentUri(mediaId), expires);
    }

    /// <summary>
    /// <c>PUT /_matrix/media/v3/upload/{serverName}/{mediaId}</c>: the content of a created id. Unknown or expired id:
    /// 404 <c>M_NOT_FOUND</c>; another user's id: 403 <c>M_FORBIDDEN</c>; already uploaded: 409 <c>M_CANNOT_OVERWRITE_MEDIA</c>.
    /// </summary>
    public async Task UploadToCreatedAsync(Requester requester, string serverName, string mediaId, MediaUpload upload, CancellationToken ct)
    {
        var row = IsLocal(serverName, mediaId) ? await store.FindAsync(mediaId, ct) : null;
        if (row is null || (row.Sha256 is null && row.UnusedExpiresTs <= Now())) throw UnknownMedia();
        if (row.UserId != requester.UserId) throw MatrixError.Forbidden("Only the creator of the media ID can upload to it");
        if (row.Sha256 is not null) throw MatrixError.CannotOverwriteMedia();

        var (sha256, size) = await files.SaveAsync(upload.Body, upload.Length, MaxUploadSize, ct);
        var updated = await store.CompleteUploadAsync(mediaId, requester.UserId, sha256, size,
            NormalizeContentType(upload.ContentType), NormalizeFileName(upload.FileName), Now(), ct);
        if (updated == 0)
        {
            // Lost a race with another upload to the same id, or the id expired while the body was arriving.
            throw (await store.FindAsync(mediaId, ct))?.Sha256 is not null ? MatrixError.CannotOverwriteMedia() : UnknownMedia();
        }
        waiters.Notify(mediaId);
    }

    /// <summary>
    /// The uploaded media behind an <c>mxc://</c> URI. A created id whose upload has not arrived is waited for up to
    /// <paramref name="timeoutMs"/> (default 20 s, at most 60 s), then 504 <c>M_NOT_YET_UPLOADED</c>.
    /// </summary>
    public async Task<MediaRow> ResolveAsync(string serverName, string mediaId, long? timeoutMs, CancellationToken ct)
    {
        if (!IsLocal(serverName, mediaId)) throw UnknownMedia();
        var row = await store.FindAsync(mediaId, ct) ?? throw UnknownMedia();
        if (row.Sha256 is not null) return row;

        var signal = waiters.Register(mediaId);
        try
        {
            row = await store.FindAsync(mediaId, ct);
            if (row?.Sha256 is not null) return row;
            var now = Now();
            if (row is null || row.UnusedExpiresTs <= now) throw UnknownMedia();

            var wait = Math.Min(Math.Clamp(timeoutMs ?? DefaultTimeoutMs, 0, MaxTimeoutMs), row.UnusedExpiresTs!.Value - now);
            if (wait > 0)
            {
                using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(ct);
                await Task.WhenAny(signal, Task.Delay(TimeSpan.FromMilliseconds(wait), time, stopWaiting.Token));
                await stopWaiting.CancelAsync();
                ct.ThrowIfCancellationRequested();
                row = await store.FindAsync(mediaId, ct);
                if (row?.Sha256 is not null) return row;
            }
            throw MatrixError.NotYetUploaded();
        }
        finally
        {
            waiters.Forget(mediaId, signal);
        }
    }

    /// <summary>
    /// For the deprecated unauthenticated endpoints: media made under the v1.12 freeze is 404 <c>M_NOT_FOUND</c> there,
    /// exactly as unknown media, so they reveal nothing of it.
    /// </summary>
    public static StoredMedia RequireUnauthenticatedAccess(StoredMedia media) => media.Authenticated ? throw UnknownMedia() : media;

    /// <summary>An uploaded local row as stored content.</summary>
    public static StoredMedia Stored(MediaRow row) => new(row.Sha256!, row.ContentType ?? DefaultContentType, row.UploadName, row.Authenticated);

    /// <summary>The file and presentation of stored media; <paramref name="fileName"/> overrides the upload's name.</summary>
    public MediaContent ContentOf(StoredMedia media, string? fileName) =>
        new(files.ContentPath(media.Sha256), media.ContentType, fileName ?? media.UploadName);

    public static MatrixException UnknownMedia() => MatrixError.NotFound("Media not found");

    private bool IsLocal(string serverName, string mediaId) => serverName == config.ServerName && MediaIds.IsValid(mediaId);

    private string ContentUri(string mediaId) => $"mxc://{config.ServerName}/{mediaId}";

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The given type when it parses as a media type (the spec's default when absent or unparseable).</summary>
    public static string NormalizeContentType(string? contentType) =>
        !string.IsNullOrWhiteSpace(contentType) && MediaTypeHeaderValue.TryParse(contentType, out var parsed) && parsed.MediaType is not null
            ? parsed.ToString()
            : DefaultContentType;

    public static string? NormalizeFileName(string? fileName) => string.IsNullOrEmpty(fileName) ? null : fileName;
}
