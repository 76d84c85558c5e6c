namespace Messenger.Homeserver.Media;

/// <summary>
/// <c>GET …/thumbnail/{serverName}/{mediaId}</c>: a thumbnail made on first request and kept on disk, named by the
/// content's hash and the (snapped) size and method, so every later request for it — of this media or of any other
/// upload of the same bytes — is a file read. Non-images: 400 <c>M_UNKNOWN</c>, as the spec's 400 response says
/// ("the server cannot thumbnail the content").
/// </summary>
public sealed class ThumbnailService(MediaLookup media, MediaFiles files, Thumbnailer thumbnailer)
{
    private static readonly string[] CachedFormats = ["png", "jpg"];

    /// <summary>Generating at most this many thumbnails at once bounds the memory decoding takes (4 bytes a pixel).</summary>
    private static readonly SemaphoreSlim Generating = new(2, 2);

    /// <summary>
    /// A thumbnail of local or (fetched and cached, then thumbnailed here) remote media; <paramref name="legacy"/> and
    /// <paramref name="allowRemote"/> as in <see cref="MediaLookup.FindAsync"/>.
    /// </summary>
    public async Task<MediaContent> ThumbnailAsync(string serverName, string mediaId, ThumbnailRequest request, long? timeoutMs, bool legacy,
        bool allowRemote, CancellationToken ct)
    {
        var row = await media.FindAsync(serverName, mediaId, timeoutMs, legacy, allowRemote, ct);
        var original = media.ContentOf(row, null);
        if (!Thumbnailer.CanThumbnail(original.ContentType)) throw Thumbnailer.CannotThumbnail();

        var (width, height) = ThumbnailGeometry.Snap(request.Width, request.Height, request.Method);
        var name = $"{width}x{height}-{request.Method.ToString().ToLowerInvariant()}";
        foreach (var extension in CachedFormats)
        {
            var cached = files.ThumbnailPath(row.Sha256, $"{name}.{extension}");
            if (File.Exists(cached)) return Thumbnail(cached, extension);
        }

        await Generating.WaitAsync(ct);
        ThumbnailImage? image;
        try
        {
            image = await Task.Run(() => thumbnailer.Generate(original.Path, width, height, request.Method, request.Animated), ct);
        }
        finally
        {
            Generating.Release();
        }
        if (image is null)
        {
            // Already no larger than asked: the spec wants the original, not an upscaled copy.
            return original with { FileName = "thumbnail" + ExtensionOf(original.ContentType) };
        }
        var path = files.ThumbnailPath(row.Sha256, $"{name}.{image.Extension}");
        await files.SaveThumbnailAsync(path, image.Bytes, ct);
        return Thumbnail(path, image.Extension);
    }

    private static MediaContent Thumbnail(string path, string extension) =>
        new(path, extension == "jpg" ? "image/jpeg" : "image/png", "thumbnail." + extension);

    private static string ExtensionOf(string contentType) => SafeServing.MediaTypeOf(contentType) switch
    {
        "image/jpeg" => ".jpg",
        "image/gif" => ".gif",
        "image/webp" => ".webp",
        _ => ".png",
    };
}
