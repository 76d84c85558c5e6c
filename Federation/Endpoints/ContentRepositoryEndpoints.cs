using System.Globalization;
using System.Net.Http.Headers;
using Messenger.Federation.Http;
using Messenger.Federation.Ports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Messenger.Federation.Endpoints;

/// <summary>
/// The federation content repository (spec v1.11, server-server "Content Repository"): other servers download local
/// media and thumbnails over X-Matrix. The answer is <c>multipart/mixed</c> with exactly two parts: an
/// <c>application/json</c> metadata part (always <c>{}</c> today) and the bytes with their <c>Content-Type</c> and
/// <c>Content-Disposition</c>. The parts are written by <see cref="MultipartContent"/>, never by hand.
/// </summary>
public static class ContentRepositoryEndpoints
{
    /// <summary>Maps the media routes on an authenticated group from <see cref="FederationEndpoints.MapFederationApi"/>.</summary>
    public static void MapContentRepositoryEndpoints(this RouteGroupBuilder federation)
    {
        federation.MapGet("/v1/media/download/{mediaId}", DownloadAsync);
        federation.MapGet("/v1/media/thumbnail/{mediaId}", ThumbnailAsync);
    }

    /// <summary>
    /// GET /_matrix/federation/v1/media/download/{mediaId}?timeout_ms=: the content of local media. Unknown (or only
    /// cached here from another server): 404 <c>M_NOT_FOUND</c>; a created id still empty after the wait: 504
    /// <c>M_NOT_YET_UPLOADED</c>.
    /// </summary>
    private static async Task<IResult> DownloadAsync(string mediaId, HttpContext context, IFederationMediaSource media) =>
        Multipart(await media.OpenDownloadAsync(mediaId, TimeoutOf(context.Request), context.RequestAborted));

    /// <summary>
    /// GET /_matrix/federation/v1/media/thumbnail/{mediaId}?width=&amp;height=&amp;method=&amp;animated=&amp;timeout_ms=:
    /// a thumbnail of local media, as the client-server "Thumbnails" section describes; bad parameters 400.
    /// </summary>
    private static async Task<IResult> ThumbnailAsync(string mediaId, HttpContext context, IFederationMediaSource media)
    {
        var query = context.Request.Query;
        var method = query["method"].ToString() switch
        {
            "" or "scale" => "scale",
            "crop" => "crop",
            _ => throw FederationError.InvalidParam("method must be 'crop' or 'scale'"),
        };
        var animated = query["animated"].ToString() switch
        {
            "" or "false" => false,
            "true" => true,
            _ => throw FederationError.InvalidParam("animated must be true or false"),
        };
        var thumbnail = new FederationThumbnailQuery(Dimension(query, "width"), Dimension(query, "height"), method, animated);
        return Multipart(await media.OpenThumbnailAsync(mediaId, thumbnail, TimeoutOf(context.Request), context.RequestAborted));
    }

    /// <summary>The two-part answer; the content is opened before the status line is sent, so failures are still errors.</summary>
    private static IResult Multipart(FederationMediaContent content)
    {
        var multipart = new MultipartContent("mixed", "messenger-" + Guid.NewGuid().ToString("N"));
        var metadata = new ByteArrayContent("{}"u8.ToArray());
        metadata.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        multipart.Add(metadata);
        var bytes = new StreamContent(content.Body);
        bytes.Headers.TryAddWithoutValidation("Content-Type", content.ContentType);
        bytes.Headers.TryAddWithoutValidation("Content-Disposition", content.ContentDisposition);
        multipart.Add(bytes);
        return Results.Stream(async body =>
        {
            using (multipart) await multipart.CopyToAsync(body);
        }, multipart.Headers.ContentType!.ToString());
    }

    private static int Dimension(IQueryCollection query, string name)
    {
        var text = query[name].ToString();
        if (text.Length == 0) throw FederationError.MissingParam(name);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw FederationError.InvalidParam($"{name} must be a positive integer");
    }

    private static long? TimeoutOf(HttpRequest request)
    {
        var text = request.Query["timeout_ms"].ToString();
        if (text.Length == 0) return null;
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms)
            ? ms
            : throw FederationError.InvalidParam("timeout_ms must be an integer");
    }
}
