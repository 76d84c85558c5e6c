using System.Globalization;
using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Messenger.Homeserver.Media;

/// <summary>
/// Routes of the "Content repository" module: the authenticated media of spec 1.11 under
/// <c>/_matrix/client/v1/media</c>, the deprecated unauthenticated download, thumbnail and config under
/// <c>/_matrix/media/{r0,v3}</c>, and the uploads, which stay under <c>/_matrix/media</c>.
/// </summary>
public static class MediaEndpoints
{
    public const string AuthenticatedPrefix = "/_matrix/client/v1/media";
    public const string LegacyPrefix = "/_matrix/media/{apiVersion:regex(^(r0|v3)$)}";

    public static void MapMediaEndpoints(this IEndpointRouteBuilder app)
    {
        var authenticated = app.MapGroup(AuthenticatedPrefix);
        authenticated.MapGet("/config", (Requester requester, MediaService media) => Config(media));
        authenticated.MapGet("/download/{serverName}/{mediaId}", (string serverName, string mediaId, Requester requester, HttpContext http, MediaLookup media) =>
            DownloadAsync(serverName, mediaId, null, http, media, legacy: false));
        authenticated.MapGet("/download/{serverName}/{mediaId}/{fileName}", (string serverName, string mediaId, string fileName, Requester requester, HttpContext http, MediaLookup media) =>
            DownloadAsync(serverName, mediaId, fileName, http, media, legacy: false));
        authenticated.MapGet("/thumbnail/{serverName}/{mediaId}", (string serverName, string mediaId, Requester requester, HttpContext http, ThumbnailService thumbnails) =>
            ThumbnailAsync(serverName, mediaId, http, thumbnails, legacy: false));
        authenticated.MapGet("/preview_url", PreviewAsync);

        var legacy = app.MapGroup(LegacyPrefix);
        legacy.MapPost("/upload", async (Requester requester, HttpContext http, MediaService media) =>
            MatrixJson.Ok(new { content_uri = await media.UploadAsync(requester, ReadUpload(http, media), http.RequestAborted) }));
        legacy.MapGet("/config", (Requester requester, MediaService media) => Config(media));
        legacy.MapGet("/download/{serverName}/{mediaId}", (string serverName, string mediaId, HttpContext http, MediaLookup media) =>
            DownloadAsync(serverName, mediaId, null, http, media, legacy: true));
        legacy.MapGet("/download/{serverName}/{mediaId}/{fileName}", (string serverName, string mediaId, string fileName, HttpContext http, MediaLookup media) =>
            DownloadAsync(serverName, mediaId, fileName, http, media, legacy: true));
        legacy.MapGet("/thumbnail/{serverName}/{mediaId}", (string serverName, string mediaId, HttpContext http, ThumbnailService thumbnails) =>
            ThumbnailAsync(serverName, mediaId, http, thumbnails, legacy: true));
        legacy.MapGet("/preview_url", PreviewAsync);

        app.MapPost("/_matrix/media/v1/create", async (Requester requester, MediaService media, CancellationToken ct) =>
        {
            var (contentUri, expiresAt) = await media.CreateAsync(requester, ct);
            return MatrixJson.Ok(new { content_uri = contentUri, unused_expires_at = expiresAt });
        });
        app.MapPut("/_matrix/media/v3/upload/{serverName}/{mediaId}", async (string serverName, string mediaId, Requester requester, HttpContext http, MediaService media) =>
        {
            await media.UploadToCreatedAsync(requester, serverName, mediaId, ReadUpload(http, media), http.RequestAborted);
            return MatrixJson.Ok(new { });
        });
    }

    /// <summary><c>GET …/config</c>: the upload limit, the one key the spec defines.</summary>
    private static IResult Config(MediaService media) => MatrixJson.Ok(new JsonObject { ["m.upload.size"] = media.MaxUploadSize });

    /// <summary>
    /// <c>GET …/download/{serverName}/{mediaId}[/{fileName}]</c>: the bytes, never a redirect, served safely; another
    /// server's media is fetched and cached first (<see cref="MediaLookup"/>).
    /// </summary>
    private static async Task<IResult> DownloadAsync(string serverName, string mediaId, string? fileName, HttpContext http, MediaLookup media, bool legacy)
    {
        var stored = await media.FindAsync(serverName, mediaId, TimeoutOf(http.Request), legacy, !legacy || AllowRemote(http.Request), http.RequestAborted);
        return Serve(http, media.ContentOf(stored, fileName));
    }

    /// <summary><c>GET …/thumbnail/{serverName}/{mediaId}</c>; see <see cref="ThumbnailService"/>.</summary>
    private static async Task<IResult> ThumbnailAsync(string serverName, string mediaId, HttpContext http, ThumbnailService thumbnails, bool legacy)
    {
        var request = ThumbnailRequest.Parse(http.Request.Query);
        var allowRemote = !legacy || AllowRemote(http.Request);
        return Serve(http, await thumbnails.ThumbnailAsync(serverName, mediaId, request, TimeoutOf(http.Request), legacy, allowRemote, http.RequestAborted));
    }

    /// <summary>
    /// <c>GET …/preview_url</c>; see <see cref="UrlPreviewService"/>. Off (the default): 404 <c>M_UNRECOGNIZED</c>, what
    /// Synapse answers when previews are off (it does not register the route).
    /// </summary>
    private static async Task<IResult> PreviewAsync(string? url, Requester requester, UrlPreviewService previews, CancellationToken ct) =>
        MatrixJson.Ok(await previews.PreviewAsync(requester, url, ct));

    private static IResult Serve(HttpContext http, MediaContent content)
    {
        SafeServing.Apply(http.Response, content);
        return TypedResults.PhysicalFile(content.Path, content.ContentType, enableRangeProcessing: true);
    }

    /// <summary>
    /// The upload in the request. Media has its own size limit (<c>limits.max_upload_size</c>), so Kestrel's general
    /// body limit is lifted to just past it for this request; <see cref="MediaFiles.SaveAsync"/> counts the bytes.
    /// </summary>
    private static MediaUpload ReadUpload(HttpContext http, MediaService media)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = media.MaxUploadSize + 1;
        var fileName = http.Request.Query["filename"].ToString();
        return new MediaUpload(http.Request.Body, http.Request.ContentLength, http.Request.ContentType, fileName);
    }

    /// <summary>The deprecated endpoints' <c>allow_remote</c> (default true): false answers remote media 404 without fetching it.</summary>
    private static bool AllowRemote(HttpRequest request) => request.Query["allow_remote"].ToString() switch
    {
        "" or "true" => true,
        "false" => false,
        _ => throw MatrixError.InvalidParam("allow_remote must be true or false"),
    };

    private static long? TimeoutOf(HttpRequest request)
    {
        var text = request.Query["timeout_ms"].ToString();
        if (text.Length == 0) return null;
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms)
            ? ms
            : throw MatrixError.InvalidParam("timeout_ms must be an integer");
    }
}
