using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Messenger.Federation.Client;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Tests.Media;
using Messenger.Homeserver.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>
/// Media across servers (server-server "Content Repository", spec v1.11): a user of B downloads media uploaded on A
/// through B's authenticated endpoints; B fetches it once from A's <c>/_matrix/federation/v1/media/download</c>
/// (multipart/mixed: JSON metadata, then the bytes), keeps it, and makes thumbnails itself. Unknown media is 404
/// <c>M_NOT_FOUND</c>, media over B's <c>max_upload_size</c> is 502 <c>M_TOO_LARGE</c> and nothing is kept.
/// </summary>
public abstract class FederatedMediaTests(FederatingPair pair)
{
    private const string Authenticated = "/_matrix/client/v1/media";

    private static async Task<string> UploadAsync(FederatingServer server, Session user, byte[] bytes, string contentType, string fileName)
    {
        var uri = (await server.Client.UploadAsync(bytes, contentType, user.AccessToken, fileName)).AssertOk().String("content_uri");
        Assert.StartsWith($"mxc://{server.ServerName}/", uri);
        return uri[$"mxc://{server.ServerName}/".Length..];
    }

    /// <summary>A request signed by <paramref name="from"/> with X-Matrix, straight to <paramref name="to"/>'s federation API.</summary>
    private static Task<HttpResponseMessage> SignedGetAsync(FederatingServer from, FederatingServer to, string pathAndQuery) =>
        from.Services.GetRequiredService<IFederationClient>().SendRawAsync(to.ServerName, HttpMethod.Get, pathAndQuery, null, CancellationToken.None);

    private static async Task<List<(Dictionary<string, string> Headers, byte[] Body)>> PartsAsync(HttpResponseMessage response)
    {
        var type = response.Content.Headers.ContentType!;
        Assert.Equal("multipart/mixed", type.MediaType);
        var boundary = type.Parameters.Single(p => p.Name == "boundary").Value!.Trim('"');
        var reader = new MultipartReader(boundary, await response.Content.ReadAsStreamAsync());
        var parts = new List<(Dictionary<string, string>, byte[])>();
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            using var body = new MemoryStream();
            await section.Body.CopyToAsync(body);
            parts.Add((section.Headers!.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body.ToArray()));
        }
        return parts;
    }

    private static async Task<int> CachedRowsAsync(FederatingServer server, string origin, string mediaId)
    {
        using var scope = server.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<HomeserverDbContext>().RemoteMedia.CountAsync(m => m.Origin == origin && m.MediaId == mediaId);
    }

    [Fact]
    public async Task Remote_media_is_fetched_once_then_downloads_and_thumbnails_come_from_the_local_cache()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var bob = await pair.B.Client.RegisterAsync();
        var image = MediaRequests.Image(640, 480);
        var mediaId = await UploadAsync(pair.A, alice, image, "image/png", "sunset.png");

        using (var first = await pair.B.Client.GetRawAsync($"{Authenticated}/download/{FederatingPair.NameA}/{mediaId}", bob.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(image, await first.Content.ReadAsByteArrayAsync());
            Assert.Equal("image/png", first.Content.Headers.ContentType!.MediaType);
            // "If the media being downloaded is remote, the remote server's filename in the Content-Disposition header is used."
            Assert.Equal("inline", first.Content.Headers.ContentDisposition!.DispositionType);
            Assert.Equal("sunset.png", first.Content.Headers.ContentDisposition.FileName!.Trim('"'));
        }
        Assert.Equal(1, await CachedRowsAsync(pair.B, FederatingPair.NameA, mediaId));

        // With A down, B still serves the bytes and makes a thumbnail of them itself.
        await pair.A.StopAsync();
        try
        {
            using var again = await pair.B.Client.GetRawAsync($"{Authenticated}/download/{FederatingPair.NameA}/{mediaId}/renamed.png", bob.AccessToken);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal(image, await again.Content.ReadAsByteArrayAsync());
            Assert.Equal("renamed.png", again.Content.Headers.ContentDisposition!.FileName!.Trim('"'));

            using var thumbnail = await pair.B.Client.GetRawAsync(
                $"{Authenticated}/thumbnail/{FederatingPair.NameA}/{mediaId}?width=96&height=96&method=crop", bob.AccessToken);
            Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
            Assert.Equal("image/png", thumbnail.Content.Headers.ContentType!.MediaType);
            Assert.Equal((96, 96), MediaRequests.SizeOf(await thumbnail.Content.ReadAsByteArrayAsync()));
        }
        finally
        {
            await pair.A.StartAgainAsync();
        }
    }

    [Fact]
    public async Task Federation_download_answers_multipart_with_json_metadata_then_the_content()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var bytes = Encoding.UTF8.GetBytes("plain words for another server");
        var mediaId = await UploadAsync(pair.A, alice, bytes, "text/plain", "notes.txt");

        using var response = await SignedGetAsync(pair.B, pair.A, $"/_matrix/federation/v1/media/download/{mediaId}?timeout_ms=5000");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var parts = await PartsAsync(response);
        Assert.Equal(2, parts.Count);
        Assert.Equal("application/json", parts[0].Headers["Content-Type"]);
        Assert.Equal(new JsonObject().ToJsonString(), JsonNode.Parse(parts[0].Body)!.ToJsonString());
        Assert.Equal("text/plain", MediaTypeHeaderValue.Parse(parts[1].Headers["Content-Type"]).MediaType);
        Assert.Equal("notes.txt", ContentDispositionHeaderValue.Parse(parts[1].Headers["Content-Disposition"]).FileName!.Trim('"'));
        Assert.Equal(bytes, parts[1].Body);
    }

    [Fact]
    public async Task Federation_thumbnail_answers_multipart_with_an_image_of_at_least_the_asked_size()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var mediaId = await UploadAsync(pair.A, alice, MediaRequests.Image(800, 600), "image/png", "big.png");

        using var response = await SignedGetAsync(pair.B, pair.A, $"/_matrix/federation/v1/media/thumbnail/{mediaId}?width=320&height=240&method=scale");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var parts = await PartsAsync(response);
        Assert.Equal(2, parts.Count);
        Assert.Equal("application/json", parts[0].Headers["Content-Type"]);
        Assert.Equal("image/png", parts[1].Headers["Content-Type"]);
        Assert.Equal((320, 240), MediaRequests.SizeOf(parts[1].Body));

        using var bad = await SignedGetAsync(pair.B, pair.A, $"/_matrix/federation/v1/media/thumbnail/{mediaId}?width=-5&height=240");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Federation_media_needs_x_matrix_and_unknown_or_cached_remote_media_is_not_found()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var bob = await pair.B.Client.RegisterAsync();
        var mediaId = await UploadAsync(pair.A, alice, [1, 2, 3, 4], "application/octet-stream", "blob.bin");

        using (var raw = pair.A.RawFederationClient())
        {
            var unsigned = await raw.GetAsync($"/_matrix/federation/v1/media/download/{mediaId}");
            Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
            Assert.Equal("M_UNAUTHORIZED", (string?)JsonNode.Parse(await unsigned.Content.ReadAsStringAsync())!["errcode"]);
        }

        using (var unknown = await SignedGetAsync(pair.B, pair.A, "/_matrix/federation/v1/media/download/NoSuchMediaHere"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Equal("M_NOT_FOUND", (string?)JsonNode.Parse(await unknown.Content.ReadAsStringAsync())!["errcode"]);
        }

        // B caches A's media for Bob, but serves other servers only its own.
        using (var cached = await pair.B.Client.GetRawAsync($"{Authenticated}/download/{FederatingPair.NameA}/{mediaId}", bob.AccessToken))
            Assert.Equal(HttpStatusCode.OK, cached.StatusCode);
        using var onward = await SignedGetAsync(pair.A, pair.B, $"/_matrix/federation/v1/media/download/{mediaId}");
        Assert.Equal(HttpStatusCode.NotFound, onward.StatusCode);
    }

    [Fact]
    public async Task Unknown_remote_media_is_not_found_and_nothing_is_cached()
    {
        var bob = await pair.B.Client.RegisterAsync();
        (await pair.B.Client.GetMatrixAsync($"{Authenticated}/download/{FederatingPair.NameA}/NeverUploaded", bob.AccessToken))
            .AssertError(404, "M_NOT_FOUND");
        (await pair.B.Client.GetMatrixAsync($"{Authenticated}/thumbnail/{FederatingPair.NameA}/NeverUploaded?width=32&height=32", bob.AccessToken))
            .AssertError(404, "M_NOT_FOUND");
        Assert.Equal(0, await CachedRowsAsync(pair.B, FederatingPair.NameA, "NeverUploaded"));
    }

    [Fact]
    public async Task Remote_media_over_the_upload_limit_is_refused_with_502_too_large_and_not_kept()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var bob = await pair.B.Client.RegisterAsync();
        var big = new byte[MediaPairLimits.MaxUploadSizeB + 1];
        Random.Shared.NextBytes(big);
        var mediaId = await UploadAsync(pair.A, alice, big, "application/octet-stream", "big.bin");

        // "Homeservers should not proxy or thumbnail large files or images from remote homeservers, returning a HTTP 502
        // error with the M_TOO_LARGE code."
        (await pair.B.Client.GetMatrixAsync($"{Authenticated}/download/{FederatingPair.NameA}/{mediaId}", bob.AccessToken))
            .AssertError(502, "M_TOO_LARGE");
        Assert.Equal(0, await CachedRowsAsync(pair.B, FederatingPair.NameA, mediaId));
        var tmp = Path.Combine(pair.B.Services.GetRequiredService<HomeserverConfig>().MediaStorePath!, "tmp");
        Assert.Empty(Directory.Exists(tmp) ? Directory.EnumerateFiles(tmp) : []);
    }

    [Fact]
    public async Task Deprecated_endpoints_do_not_fetch_remote_media_under_the_freeze_nor_with_allow_remote_false()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var mediaId = await UploadAsync(pair.A, alice, [9, 8, 7], "application/octet-stream", "x.bin");

        (await pair.B.Client.GetMatrixAsync($"/_matrix/media/v3/download/{FederatingPair.NameA}/{mediaId}")).AssertError(404, "M_NOT_FOUND");
        (await pair.B.Client.GetMatrixAsync($"/_matrix/media/v3/download/{FederatingPair.NameA}/{mediaId}?allow_remote=false")).AssertError(404, "M_NOT_FOUND");
        Assert.Equal(0, await CachedRowsAsync(pair.B, FederatingPair.NameA, mediaId));
    }

    [Fact]
    public async Task An_origin_without_the_federation_endpoint_is_asked_on_the_deprecated_one_with_allow_remote_false()
    {
        var bob = await pair.B.Client.RegisterAsync();
        var bytes = Encoding.UTF8.GetBytes("from an older server");
        string? askedAllowRemote = null;
        await using var old = await FakeRemoteServer.StartAsync("old.fed.test", pair.Dns, app =>
        {
            app.MapGet("/_matrix/federation/v1/media/download/{mediaId}", () =>
                Results.Json(new JsonObject { ["errcode"] = "M_UNRECOGNIZED", ["error"] = "Unrecognized request" }, statusCode: 404));
            app.MapGet("/_matrix/media/v3/download/{serverName}/{mediaId}", (HttpContext http) =>
            {
                askedAllowRemote = http.Request.Query["allow_remote"];
                http.Response.Headers.ContentDisposition = "attachment; filename=\"old.txt\"";
                return Results.Bytes(bytes, "text/plain");
            });
        });

        using var response = await pair.B.Client.GetRawAsync($"{Authenticated}/download/old.fed.test/OldMedia1", bob.AccessToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("old.txt", response.Content.Headers.ContentDisposition!.FileName!.Trim('"'));
        Assert.Equal("false", askedAllowRemote);
    }

    [Fact]
    public async Task A_plain_404_not_found_from_the_federation_endpoint_is_not_a_reason_to_fall_back()
    {
        var bob = await pair.B.Client.RegisterAsync();
        var askedDeprecated = false;
        await using var origin = await FakeRemoteServer.StartAsync("gone.fed.test", pair.Dns, app =>
        {
            app.MapGet("/_matrix/federation/v1/media/download/{mediaId}", () =>
                Results.Json(new JsonObject { ["errcode"] = "M_NOT_FOUND", ["error"] = "Not found" }, statusCode: 404));
            app.MapGet("/_matrix/media/v3/download/{serverName}/{mediaId}", () =>
            {
                askedDeprecated = true;
                return Results.Bytes([1], "application/octet-stream");
            });
        });

        (await pair.B.Client.GetMatrixAsync($"{Authenticated}/download/gone.fed.test/GoneMedia", bob.AccessToken)).AssertError(404, "M_NOT_FOUND");
        Assert.False(askedDeprecated);
    }

    [Fact]
    public async Task A_location_part_is_followed_and_the_content_kept()
    {
        var bob = await pair.B.Client.RegisterAsync();
        var bytes = Encoding.UTF8.GetBytes("served by the CDN");
        var port = 0;
        await using var cdn = await FakeRemoteServer.StartAsync("cdn.fed.test", pair.Dns, app =>
        {
            app.MapGet("/_matrix/federation/v1/media/download/{mediaId}", async (HttpContext http) =>
            {
                port = http.Connection.LocalPort;
                // Written out, since HttpContent headers cannot carry Location: the spec's two parts, the second a redirect.
                http.Response.ContentType = "multipart/mixed; boundary=cdn-boundary";
                await http.Response.WriteAsync(
                    "--cdn-boundary\r\nContent-Type: application/json\r\n\r\n{}\r\n" +
                    $"--cdn-boundary\r\nLocation: https://cdn.fed.test:{port}/cdn/blob\r\n\r\n\r\n--cdn-boundary--\r\n");
            });
            app.MapGet("/cdn/blob", (HttpContext http) =>
            {
                http.Response.Headers.ContentDisposition = "inline; filename=\"cdn.txt\"";
                return Results.Bytes(bytes, "text/plain");
            });
        });

        using var response = await pair.B.Client.GetRawAsync($"{Authenticated}/download/cdn.fed.test/CdnMedia", bob.AccessToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, await CachedRowsAsync(pair.B, "cdn.fed.test", "CdnMedia"));
    }
}

public sealed class SqliteFederatedMediaTests(SqliteMediaFederatingPair pair) : FederatedMediaTests(pair), IClassFixture<SqliteMediaFederatingPair>;

public sealed class PostgresFederatedMediaTests(PostgresMediaFederatingPair pair) : FederatedMediaTests(pair), IClassFixture<PostgresMediaFederatingPair>;
