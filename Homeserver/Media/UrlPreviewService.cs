using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Errors;
using Messenger.Federation.Net;

namespace Messenger.Homeserver.Media;

/// <summary>
/// <c>GET …/preview_url</c> ("Content repository"), when <c>url_preview_enabled</c> is on (off by default): fetches an
/// <c>http(s)</c> URL for the user and answers its Open Graph data (<see cref="OpenGraph"/>), with <c>og:image</c>
/// fetched too and stored as the user's media (an <c>mxc://</c> URI, plus <c>matrix:image:size</c>); an image URL
/// previews as itself. Every connection — redirects and the image included — goes through
/// <see cref="OutboundAddressPolicy"/>, so private, loopback and link-local addresses are never reached unless
/// <c>outbound.allowed_private_ranges</c> lists them: such a host is 403 <c>M_FORBIDDEN</c>; a failed fetch 502.
/// </summary>
public sealed class UrlPreviewService(IHttpClientFactory clients, OutboundAddressPolicy policy, MediaService media, HomeserverConfig config)
{
    public const string HttpClientName = "url-preview";

    /// <summary>Bytes of a page read at most (the metadata is in its head); Synapse's <c>max_spider_size</c> is larger, for images.</summary>
    public const int MaxPageBytes = 1024 * 1024;

    public async Task<JsonObject> PreviewAsync(Requester requester, string? url, CancellationToken ct)
    {
        if (!config.UrlPreviewEnabled) throw MatrixError.Unrecognized("URL previews are disabled on this server");
        if (string.IsNullOrEmpty(url)) throw MatrixError.MissingParam("url");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw MatrixError.InvalidParam("url must be an absolute http or https URL");
        await RequireAllowedHostAsync(uri, ct);

        using var response = await FetchAsync(uri, ct) ?? throw FetchFailed();
        var type = response.Content.Headers.ContentType?.MediaType?.ToLowerInvariant() ?? "";
        if (type.StartsWith("image/", StringComparison.Ordinal))
            return await StoreImageAsync(requester, response, uri, ct) ?? throw FetchFailed();
        if (type is not ("text/html" or "application/xhtml+xml")) return [];

        var html = await ReadPageAsync(response, ct);
        var preview = new JsonObject();
        foreach (var (key, value) in OpenGraph.Parse(html)) preview[key] = value;
        if (preview["og:image"] is JsonValue image && image.TryGetValue(out string? imageUrl))
        {
            preview.Remove("og:image");
            if (Uri.TryCreate(response.RequestMessage?.RequestUri ?? uri, imageUrl, out var imageUri) && imageUri.Scheme is "http" or "https")
            {
                using var imageResponse = await FetchAsync(imageUri, ct);
                if (imageResponse?.Content.Headers.ContentType?.MediaType?.StartsWith("image/", StringComparison.OrdinalIgnoreCase) == true
                    && await StoreImageAsync(requester, imageResponse, imageUri, ct) is { } stored)
                {
                    foreach (var (key, value) in stored) preview[key] = value?.DeepClone();
                }
            }
        }
        return preview;
    }

    /// <summary>A host that only resolves to refused addresses is named so, before any connection is tried.</summary>
    private async Task RequireAllowedHostAsync(Uri uri, CancellationToken ct)
    {
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.IdnHost, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(uri.IdnHost, ct);
        }
        catch (System.Net.Sockets.SocketException)
        {
            throw FetchFailed();
        }
        if (!addresses.Any(policy.IsAllowed)) throw MatrixError.Forbidden("IP address blocked by the URL preview blacklist");
    }

    private async Task<HttpResponseMessage?> FetchAsync(Uri uri, CancellationToken ct)
    {
        try
        {
            var response = await clients.CreateClient(HttpClientName).GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.IsSuccessStatusCode) return response;
            response.Dispose();
            return null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Stores a fetched image as the user's media; null when it is over the upload limit or the fetch breaks.</summary>
    private async Task<JsonObject?> StoreImageAsync(Requester requester, HttpResponseMessage response, Uri uri, CancellationToken ct)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            var type = response.Content.Headers.ContentType?.MediaType;
            var upload = new MediaUpload(body, response.Content.Headers.ContentLength, type, Path.GetFileName(uri.AbsolutePath));
            var (contentUri, size) = await media.StoreAsync(requester, upload, ct);
            return new JsonObject { ["og:image"] = contentUri, ["og:image:type"] = type, ["matrix:image:size"] = size };
        }
        catch (Exception e) when (e is MatrixException or HttpRequestException or IOException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }

    private static async Task<string> ReadPageAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxPageBytes];
        var read = 0;
        while (read < buffer.Length && await body.ReadAsync(buffer.AsMemory(read), ct) is var n and > 0) read += n;
        Encoding encoding;
        try
        {
            encoding = response.Content.Headers.ContentType?.CharSet is { Length: > 0 } charset ? Encoding.GetEncoding(charset.Trim('"')) : Encoding.UTF8;
        }
        catch (ArgumentException)
        {
            encoding = Encoding.UTF8;
        }
        return encoding.GetString(buffer, 0, read);
    }

    private static MatrixException FetchFailed() => new(MatrixErrorCode.Unknown, "Failed to download content", 502);
}
