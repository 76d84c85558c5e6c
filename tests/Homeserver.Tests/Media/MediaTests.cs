using System.Net;
using System.Security.Cryptography;
using System.Text;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Messenger.Homeserver.Tests.Media.MediaRequests;

namespace Messenger.Homeserver.Tests.Media;

/// <summary>"Content repository": upload, download, safe serving, limits; on both databases.</summary>
public abstract class MediaTests(ServerFixture server)
{
    /// <summary>The spec's recommended policy ("Content repository").</summary>
    private const string Csp = "sandbox; default-src 'none'; script-src 'none'; plugin-types application/pdf; style-src 'unsafe-inline'; object-src 'self';";

    private HttpClient Http => server.Client;
    private string Download(string mediaId, string prefix = Authenticated) => $"{prefix}/download/{ServerFixture.ServerName}/{mediaId}";

    [Fact]
    public async Task Uploaded_bytes_download_unchanged_with_safe_headers()
    {
        var alice = await Http.RegisterAsync();
        var bytes = Encoding.UTF8.GetBytes("hello, media");
        var id = await Http.UploadIdAsync(bytes, "text/plain", alice.AccessToken, "notes.txt");

        using var response = await Http.GetRawAsync(Download(id), alice.AccessToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("inline; filename=\"notes.txt\"", response.Content.Headers.GetValues("Content-Disposition").Single());
        Assert.Equal(Csp, response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("cross-origin", response.Headers.GetValues("Cross-Origin-Resource-Policy").Single());
    }

    [Fact]
    public async Task File_name_in_the_path_replaces_the_uploaded_one_and_non_ascii_names_are_encoded()
    {
        var alice = await Http.RegisterAsync();
        var id = await Http.UploadIdAsync([1, 2, 3], "image/png", alice.AccessToken, "a.png");

        using var renamed = await Http.GetRawAsync(Download(id) + "/b.png", alice.AccessToken);
        Assert.Equal("inline; filename=\"b.png\"", renamed.Content.Headers.GetValues("Content-Disposition").Single());

        using var russian = await Http.GetRawAsync(Download(id) + "/" + Uri.EscapeDataString("фото.png"), alice.AccessToken);
        Assert.Equal("inline; filename*=utf-8''%D1%84%D0%BE%D1%82%D0%BE.png", russian.Content.Headers.GetValues("Content-Disposition").Single());
    }

    [Fact]
    public async Task Html_and_unknown_types_are_attachments_never_inline()
    {
        var alice = await Http.RegisterAsync();
        var html = await Http.UploadIdAsync(Encoding.UTF8.GetBytes("<script>alert(1)</script>"), "text/html", alice.AccessToken, "x.html");
        var untyped = await Http.UploadIdAsync([0, 1, 2], null, alice.AccessToken);

        using var htmlResponse = await Http.GetRawAsync(Download(html), alice.AccessToken);
        Assert.Equal("attachment; filename=\"x.html\"", htmlResponse.Content.Headers.GetValues("Content-Disposition").Single());
        Assert.Equal(Csp, htmlResponse.Headers.GetValues("Content-Security-Policy").Single());

        using var untypedResponse = await Http.GetRawAsync(Download(untyped), alice.AccessToken);
        Assert.Equal("application/octet-stream", untypedResponse.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", untypedResponse.Content.Headers.GetValues("Content-Disposition").Single());
    }

    [Fact]
    public async Task Authenticated_endpoints_need_an_access_token()
    {
        var alice = await Http.RegisterAsync();
        var id = await Http.UploadIdAsync([9], "image/png", alice.AccessToken);

        (await Http.GetMatrixAsync(Download(id))).AssertError(401, "M_MISSING_TOKEN");
        (await Http.GetMatrixAsync($"{Authenticated}/thumbnail/{ServerFixture.ServerName}/{id}?width=32&height=32")).AssertError(401, "M_MISSING_TOKEN");
        (await Http.GetMatrixAsync(Authenticated + "/config")).AssertError(401, "M_MISSING_TOKEN");
        (await Http.UploadAsync([1], "image/png", token: null)).AssertError(401, "M_MISSING_TOKEN");
        (await Http.PostMatrixAsync("/_matrix/media/v1/create", new { })).AssertError(401, "M_MISSING_TOKEN");
        (await Http.GetMatrixAsync(Download(id), "not-a-token")).AssertError(401, "M_UNKNOWN_TOKEN");
    }

    [Fact]
    public async Task Legacy_download_needs_no_token_on_v3_and_r0_and_legacy_upload_works_on_r0()
    {
        var alice = await Http.RegisterAsync();
        var bytes = Encoding.UTF8.GetBytes("legacy");
        var uri = (await Http.UploadAsync(bytes, "text/plain", alice.AccessToken, prefix: "/_matrix/media/r0")).AssertOk().String("content_uri");
        var id = uri.Split('/')[^1];

        foreach (var prefix in new[] { "/_matrix/media/v3", "/_matrix/media/r0" })
        {
            using var response = await Http.GetRawAsync(Download(id, prefix));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        }
    }

    [Fact]
    public async Task Config_gives_the_upload_limit_on_both_paths_to_users_only()
    {
        var alice = await Http.RegisterAsync();
        Assert.Equal(MediaLimits.MaxUploadSize, (long)(await Http.GetMatrixAsync(Authenticated + "/config", alice.AccessToken)).AssertOk().Body["m.upload.size"]!);
        Assert.Equal(MediaLimits.MaxUploadSize, (long)(await Http.GetMatrixAsync(Legacy + "/config", alice.AccessToken)).AssertOk().Body["m.upload.size"]!);
        (await Http.GetMatrixAsync(Legacy + "/config")).AssertError(401, "M_MISSING_TOKEN");
    }

    [Fact]
    public async Task Upload_over_the_limit_is_413_M_TOO_LARGE_and_stores_nothing()
    {
        var alice = await Http.RegisterAsync();
        var before = await CountMediaRowsAsync();
        var filesBefore = MediaStoreFiles();
        var tooBig = new byte[MediaLimits.MaxUploadSize + 1];
        RandomNumberGenerator.Fill(tooBig);

        (await Http.UploadAsync(tooBig, "application/octet-stream", alice.AccessToken)).AssertError(413, "M_TOO_LARGE");
        // Without Content-Length (chunked), the server finds out while reading.
        (await Http.SendBytesAsync(HttpMethod.Post, Legacy + "/upload", new UnsizedContent(tooBig), "application/octet-stream", alice.AccessToken))
            .AssertError(413, "M_TOO_LARGE");

        Assert.Equal(before, await CountMediaRowsAsync());
        Assert.Equal(filesBefore, MediaStoreFiles());
        // Exactly at the limit is allowed.
        await Http.UploadIdAsync(tooBig[..MediaLimits.MaxUploadSize], "application/octet-stream", alice.AccessToken);
    }

    [Fact]
    public async Task Same_bytes_uploaded_twice_are_stored_once_under_their_hash()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var bytes = RandomNumberGenerator.GetBytes(1000);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));

        var first = await Http.UploadIdAsync(bytes, "application/pdf", alice.AccessToken, "one.pdf");
        var second = await Http.UploadIdAsync(bytes, "application/pdf", bob.AccessToken, "two.pdf");

        Assert.NotEqual(first, second);
        Assert.Single(MediaStoreFiles(), f => Path.GetFileName(f) == sha);
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(server.Config.MediaStorePath!, "content", sha[..2], sha[2..4], sha)));
        using var one = await Http.GetRawAsync(Download(first), bob.AccessToken);
        using var two = await Http.GetRawAsync(Download(second), alice.AccessToken);
        Assert.Equal("attachment; filename=\"one.pdf\"", one.Content.Headers.GetValues("Content-Disposition").Single());
        Assert.Equal("attachment; filename=\"two.pdf\"", two.Content.Headers.GetValues("Content-Disposition").Single());
        Assert.Equal(bytes, await two.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("test.local", "NoSuchMediaIdAtAllHere")]
    [InlineData("other.example", "..%2F..%2Fhomeserver.yaml")]
    [InlineData("test.local", "..%2F..%2Fhomeserver.yaml")]
    [InlineData("test.local", "bad.id")]
    public async Task Unknown_remote_or_malformed_media_is_404_M_NOT_FOUND(string serverName, string mediaId)
    {
        var alice = await Http.RegisterAsync();
        (await Http.GetMatrixAsync($"{Authenticated}/download/{serverName}/{mediaId}", alice.AccessToken)).AssertError(404, "M_NOT_FOUND");
        (await Http.GetMatrixAsync($"{Legacy}/download/{serverName}/{mediaId}")).AssertError(404, "M_NOT_FOUND");
        (await Http.GetMatrixAsync($"{Authenticated}/thumbnail/{serverName}/{mediaId}?width=32&height=32", alice.AccessToken)).AssertError(404, "M_NOT_FOUND");
    }

    /// <summary>A server that cannot be reached: 502, as Synapse answers "Failed to fetch remote media", and nothing kept.</summary>
    [Fact]
    public async Task Media_of_an_unreachable_server_is_502()
    {
        var alice = await Http.RegisterAsync();
        (await Http.GetMatrixAsync($"{Authenticated}/download/other.example/AbCdEfGhIjKlMnOpQrStUvWx", alice.AccessToken)).AssertError(502, "M_UNKNOWN");
    }

    [Fact]
    public async Task Url_previews_are_disabled()
    {
        var alice = await Http.RegisterAsync();
        (await Http.GetMatrixAsync(Authenticated + "/preview_url?url=https%3A%2F%2Fmatrix.org", alice.AccessToken)).AssertError(404, "M_UNRECOGNIZED");
        (await Http.GetMatrixAsync(Legacy + "/preview_url?url=https%3A%2F%2Fmatrix.org", alice.AccessToken)).AssertError(404, "M_UNRECOGNIZED");
    }

    private async Task<int> CountMediaRowsAsync()
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<HomeserverDbContext>().Media.CountAsync();
    }

    private string[] MediaStoreFiles() => Directory.Exists(server.Config.MediaStorePath!)
        ? Directory.GetFiles(server.Config.MediaStorePath!, "*", SearchOption.AllDirectories).Order().ToArray()
        : [];

    /// <summary>A body of unknown length, so the client sends it chunked.</summary>
    private sealed class UnsizedContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

public sealed class SqliteMediaTests(MediaSqliteServer server) : MediaTests(server), IClassFixture<MediaSqliteServer>;

public sealed class PostgresMediaTests(MediaPostgresServer server) : MediaTests(server), IClassFixture<MediaPostgresServer>;
