using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Messenger.Federation.Client;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Errors;
using Microsoft.AspNetCore.WebUtilities;

namespace Messenger.Homeserver.Media;

/// <summary>
/// Downloads another server's media into the content store (server-server "Content Repository"). It asks the
/// origin's <c>GET /_matrix/federation/v1/media/download/{mediaId}</c> first; only when that endpoint is unknown
/// there (404/405 without a JSON error or with <c>M_UNRECOGNIZED</c>, or 400 <c>M_UNRECOGNIZED</c> from older
/// servers, as Synapse judges it) does it fall back to the deprecated <c>/_matrix/media/v3/download</c> with
/// <c>allow_remote=false</c>, as the spec requires. The <c>multipart/mixed</c> answer is read with ASP.NET's
/// <see cref="MultipartReader"/>; a <c>Location</c> part is followed (through the federation connector, so the
/// outbound address policy holds) but the URL itself is never kept. Bytes stream to disk and stop at
/// <c>limits.max_upload_size</c>: 502 <c>M_TOO_LARGE</c>, nothing stored ("Security considerations").
/// Every other failure is 502 (404 <c>M_NOT_FOUND</c> and 504 <c>M_NOT_YET_UPLOADED</c> pass through as such).
/// </summary>
public sealed class RemoteMediaFetcher : IDisposable
{
    /// <summary>Time to read the whole answer once it started; a slow origin does not hold a request forever.</summary>
    private static readonly TimeSpan TransferTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The metadata part and error bodies are small JSON; more is refused.</summary>
    private const int MaxJsonBytes = 64 * 1024;

    private readonly IFederationClient federation;
    private readonly MediaFiles files;
    private readonly HomeserverConfig config;
    private readonly HttpClient redirects;

    public RemoteMediaFetcher(IFederationClient federation, FederationConnector connector, MediaFiles files, HomeserverConfig config)
    {
        this.federation = federation;
        this.files = files;
        this.config = config;
        redirects = new HttpClient(connector.CreateHandler(followRedirects: true)) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The fetched content, stored under its hash.</summary>
    public async Task<FetchedMedia> FetchAsync(string origin, string mediaId, long? timeoutMs, CancellationToken ct)
    {
        var wait = Math.Clamp(timeoutMs ?? MediaService.DefaultTimeoutMs, 0, MediaService.MaxTimeoutMs);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromMilliseconds(wait) + TimeSpan.FromSeconds(30));
        try
        {
            var id = Uri.EscapeDataString(mediaId);
            using (var response = await SendAsync(origin, $"/_matrix/federation/v1/media/download/{id}?timeout_ms={wait}", deadline.Token))
            {
                deadline.CancelAfter(TransferTimeout);
                if (response.IsSuccessStatusCode) return await ReadMultipartAsync(origin, response, deadline.Token);
                var (status, errcode) = await ErrorOfAsync(response, deadline.Token);
                if (!IsUnknownEndpoint(status, errcode)) throw Failure(origin, status, errcode);
            }
            deadline.CancelAfter(TimeSpan.FromMilliseconds(wait) + TimeSpan.FromSeconds(30));
            using (var response = await SendAsync(origin,
                $"/_matrix/media/v3/download/{Uri.EscapeDataString(origin)}/{id}?allow_remote=false&timeout_ms={wait}", deadline.Token))
            {
                deadline.CancelAfter(TransferTimeout);
                if (!response.IsSuccessStatusCode)
                {
                    var (status, errcode) = await ErrorOfAsync(response, deadline.Token);
                    throw Failure(origin, status, errcode);
                }
                await using var body = await response.Content.ReadAsStreamAsync(deadline.Token);
                return await SaveAsync(body, response.Content.Headers.ContentLength, response.Content.Headers.ContentType?.ToString(),
                    response.Content.Headers.ContentDisposition, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw Unavailable(origin);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidDataException)
        {
            throw Unavailable(origin);
        }
    }

    /// <summary>
    /// The two parts of the spec: JSON metadata (read and checked, not used: always <c>{}</c> today), then either
    /// the bytes with their headers or a <c>Location</c> to fetch them from.
    /// </summary>
    private async Task<FetchedMedia> ReadMultipartAsync(string origin, HttpResponseMessage response, CancellationToken ct)
    {
        var type = response.Content.Headers.ContentType;
        var boundary = type?.Parameters.FirstOrDefault(p => p.Name.Equals("boundary", StringComparison.OrdinalIgnoreCase))?.Value?.Trim('"');
        if (type?.MediaType is not "multipart/mixed" || string.IsNullOrEmpty(boundary)) throw Unavailable(origin);

        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var reader = new MultipartReader(boundary, stream);
        var metadata = await reader.ReadNextSectionAsync(ct) ?? throw Unavailable(origin);
        if (!IsJson(metadata.ContentType) || await ReadJsonAsync(metadata.Body, ct) is not JsonObject) throw Unavailable(origin);

        var media = await reader.ReadNextSectionAsync(ct) ?? throw Unavailable(origin);
        if (media.Headers?.TryGetValue("Location", out var location) == true)
            return await FollowAsync(origin, location.ToString(), ct);
        ContentDispositionHeaderValue.TryParse(media.ContentDisposition, out var disposition);
        return await SaveAsync(media.Body, null, media.ContentType, disposition, ct);
    }

    /// <summary>The redirect part: the media at an ordinary URL, checked like every outbound connection.</summary>
    private async Task<FetchedMedia> FollowAsync(string origin, string location, CancellationToken ct)
    {
        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")) throw Unavailable(origin);
        using var response = await redirects.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode) throw Unavailable(origin);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        return await SaveAsync(body, response.Content.Headers.ContentLength, response.Content.Headers.ContentType?.ToString(),
            response.Content.Headers.ContentDisposition, ct);
    }

    private async Task<FetchedMedia> SaveAsync(Stream body, long? length, string? contentType, ContentDispositionHeaderValue? disposition, CancellationToken ct)
    {
        var max = config.Limits.MaxUploadSize;
        try
        {
            var (sha256, size) = await files.SaveAsync(body, length, max, ct);
            var fileName = disposition?.FileNameStar ?? disposition?.FileName?.Trim('"');
            return new FetchedMedia(sha256, size, MediaService.NormalizeContentType(contentType), MediaService.NormalizeFileName(fileName));
        }
        catch (MatrixException e) when (e.Code == MatrixErrorCode.TooLarge)
        {
            throw new MatrixException(MatrixErrorCode.TooLarge, $"Remote media is larger than {max} bytes", 502);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(string origin, string pathAndQuery, CancellationToken ct)
    {
        try
        {
            return await federation.SendRawAsync(origin, HttpMethod.Get, pathAndQuery, null, ct);
        }
        catch (FederationRequestException)
        {
            throw Unavailable(origin);
        }
    }

    /// <summary>Synapse's test for "the remote does not know this endpoint" (its <c>is_unknown_endpoint</c>).</summary>
    private static bool IsUnknownEndpoint(int status, string? errcode) =>
        (status is 404 or 405 && errcode is null or "M_UNRECOGNIZED") || (status == 400 && errcode == "M_UNRECOGNIZED");

    private static MatrixException Failure(string origin, int status, string? errcode) => (status, errcode) switch
    {
        (404, _) => MediaService.UnknownMedia(),
        (504, "M_NOT_YET_UPLOADED") => MatrixError.NotYetUploaded(),
        (413 or 502, "M_TOO_LARGE") => new MatrixException(MatrixErrorCode.TooLarge, "Remote media is too large", 502),
        _ => Unavailable(origin),
    };

    private static MatrixException Unavailable(string origin) => new(MatrixErrorCode.Unknown, $"Failed to fetch remote media from {origin}", 502);

    /// <summary>Status and <c>errcode</c> of a failed answer; the errcode is null when the body is no JSON error.</summary>
    private static async Task<(int Status, string? Errcode)> ErrorOfAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var json = await ReadJsonAsync(body, ct);
        return ((int)response.StatusCode, json?["errcode"] is JsonValue code && code.TryGetValue<string>(out var text) ? text : null);
    }

    private static async Task<JsonNode?> ReadJsonAsync(Stream body, CancellationToken ct)
    {
        var buffer = new byte[MaxJsonBytes];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), ct)) > 0) length += read;
        if (length == buffer.Length && await body.ReadAsync(new byte[1], ct) > 0) return null;
        try
        {
            return JsonNode.Parse(buffer.AsSpan(0, length));
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && SafeServing.MediaTypeOf(contentType) == "application/json";

    public void Dispose() => redirects.Dispose();
}

