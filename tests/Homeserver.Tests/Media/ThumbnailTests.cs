using System.Net;
using System.Security.Cryptography;
using System.Text;
using Messenger.Homeserver.Tests.Support;
using SkiaSharp;
using static Messenger.Homeserver.Tests.Media.MediaRequests;

namespace Messenger.Homeserver.Tests.Media;

/// <summary>"Thumbnails": crop and scale, never smaller than asked nor upscaled, made once and cached.</summary>
public abstract class ThumbnailTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private static string Thumbnail(string mediaId, string query, string prefix = Authenticated) =>
        $"{prefix}/thumbnail/{ServerFixture.ServerName}/{mediaId}?{query}";

    private async Task<byte[]> ThumbnailBytesAsync(string mediaId, string query, Session session, string expectedType = "image/png")
    {
        using var response = await Http.GetRawAsync(Thumbnail(mediaId, query), session.AccessToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expectedType, response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("inline", response.Content.Headers.GetValues("Content-Disposition").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        return await response.Content.ReadAsByteArrayAsync();
    }

    [Theory]
    [InlineData(400, 300, "width=320&height=240&method=scale", 320, 240)]
    [InlineData(400, 300, "width=96&height=96&method=crop", 96, 96)]
    [InlineData(400, 300, "width=32&height=32&method=crop", 32, 32)]
    // Not a standard size: rounded up to the next one (96x96 crop), never smaller than asked.
    [InlineData(400, 300, "width=50&height=40&method=crop", 96, 96)]
    // Scale keeps the aspect ratio and covers the box: 1000x500 for 320x240 is 480x240.
    [InlineData(1000, 500, "width=320&height=240&method=scale", 480, 240)]
    // No method means scale.
    [InlineData(800, 600, "width=640&height=480", 640, 480)]
    public async Task Png_thumbnail_has_the_size_of_its_method(int width, int height, string query, int expectedWidth, int expectedHeight)
    {
        var alice = await Http.RegisterAsync();
        var id = await Http.UploadIdAsync(Image(width, height), "image/png", alice.AccessToken);

        var thumbnail = await ThumbnailBytesAsync(id, query, alice);

        Assert.Equal((expectedWidth, expectedHeight), SizeOf(thumbnail));
    }

    [Fact]
    public async Task Jpeg_gets_a_jpeg_thumbnail_on_the_legacy_path_without_a_token()
    {
        var alice = await Http.RegisterAsync();
        var id = await Http.UploadIdAsync(Image(800, 600, SKEncodedImageFormat.Jpeg), "image/jpeg", alice.AccessToken);

        using var response = await Http.GetRawAsync(Thumbnail(id, "width=320&height=240&method=scale", Legacy));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("inline; filename=\"thumbnail.jpg\"", response.Content.Headers.GetValues("Content-Disposition").Single());
        Assert.Equal((320, 240), SizeOf(await response.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task Gif_thumbnail_is_its_first_frame_as_png()
    {
        var alice = await Http.RegisterAsync();
        var gif = TestImages.AnimatedGif(200, 150, (255, 0, 0), (0, 0, 255));
        var id = await Http.UploadIdAsync(gif, "image/gif", alice.AccessToken);

        using var thumbnail = SKBitmap.Decode(await ThumbnailBytesAsync(id, "width=96&height=96&method=crop&animated=true", alice));

        Assert.Equal((96, 96), (thumbnail.Width, thumbnail.Height));
        Assert.Equal(SKColors.Red, thumbnail.GetPixel(48, 48));
    }

    [Fact]
    public async Task Small_animated_gif_is_served_as_it_is_only_when_animation_is_asked_for()
    {
        var alice = await Http.RegisterAsync();
        var gif = TestImages.AnimatedGif(20, 20, (255, 0, 0), (0, 0, 255));
        var id = await Http.UploadIdAsync(gif, "image/gif", alice.AccessToken);

        Assert.Equal(gif, await ThumbnailBytesAsync(id, "width=96&height=96&method=crop&animated=true", alice, "image/gif"));
        // Without animation: its first frame, still, at its own size (never upscaled).
        using var still = SKBitmap.Decode(await ThumbnailBytesAsync(id, "width=96&height=96&method=crop", alice));
        Assert.Equal((20, 20), (still.Width, still.Height));
        Assert.Equal(SKColors.Red, still.GetPixel(10, 10));
    }

    [Fact]
    public async Task Webp_gets_a_png_thumbnail()
    {
        var alice = await Http.RegisterAsync();
        var id = await Http.UploadIdAsync(Image(400, 300, SKEncodedImageFormat.Webp), "image/webp", alice.AccessToken);
        Assert.Equal((96, 96), SizeOf(await ThumbnailBytesAsync(id, "width=96&height=96&method=crop", alice)));
    }

    [Fact]
    public async Task Photo_turned_by_exif_is_thumbnailed_upright()
    {
        var alice = await Http.RegisterAsync();
        // Stored 800x600, EXIF orientation 6 ("rotate 90° clockwise to show"): seen as 600x800.
        var photo = TestImages.WithExifOrientation(Image(800, 600, SKEncodedImageFormat.Jpeg), 6);
        var id = await Http.UploadIdAsync(photo, "image/jpeg", alice.AccessToken);

        var thumbnail = await ThumbnailBytesAsync(id, "width=320&height=240&method=scale", alice, "image/jpeg");

        Assert.Equal((320, 427), SizeOf(thumbnail));
    }

    [Fact]
    public async Task Thumbnail_is_made_once_and_then_served_from_the_cache()
    {
        var alice = await Http.RegisterAsync();
        var image = Image(300, 200);
        var sha = Convert.ToHexStringLower(SHA256.HashData(image));
        var id = await Http.UploadIdAsync(image, "image/png", alice.AccessToken);

        var first = await ThumbnailBytesAsync(id, "width=96&height=96&method=crop", alice);
        var cached = Path.Combine(server.Config.MediaStorePath!, "thumbnails", sha[..2], sha[2..4], sha, "96x96-crop.png");
        Assert.Equal(first, File.ReadAllBytes(cached));

        // Replace the cached file: the next answer comes from it, not from a new rendering.
        File.WriteAllBytes(cached, Image(97, 96));
        Assert.Equal((97, 96), SizeOf(await ThumbnailBytesAsync(id, "width=96&height=96&method=crop", alice)));
    }

    [Fact]
    public async Task Image_smaller_than_asked_is_served_as_it_is()
    {
        var alice = await Http.RegisterAsync();
        var image = Image(20, 10);
        var id = await Http.UploadIdAsync(image, "image/png", alice.AccessToken);

        Assert.Equal(image, await ThumbnailBytesAsync(id, "width=96&height=96&method=crop", alice));
        Assert.Equal(image, await ThumbnailBytesAsync(id, "width=320&height=240&method=scale", alice));
    }

    [Fact]
    public async Task Content_that_is_not_an_image_cannot_be_thumbnailed()
    {
        var alice = await Http.RegisterAsync();
        var text = await Http.UploadIdAsync(Encoding.UTF8.GetBytes("plain words"), "text/plain", alice.AccessToken);
        var fakePng = await Http.UploadIdAsync(Encoding.UTF8.GetBytes("<html>not a png</html>"), "image/png", alice.AccessToken);

        (await Http.GetMatrixAsync(Thumbnail(text, "width=32&height=32"), alice.AccessToken)).AssertError(400, "M_UNKNOWN");
        (await Http.GetMatrixAsync(Thumbnail(fakePng, "width=32&height=32"), alice.AccessToken)).AssertError(400, "M_UNKNOWN");
    }

    [Theory]
    [InlineData("height=32", 400, "M_MISSING_PARAM")]
    [InlineData("width=32", 400, "M_MISSING_PARAM")]
    [InlineData("width=-5&height=32", 400, "M_INVALID_PARAM")]
    [InlineData("width=1.5&height=32", 400, "M_INVALID_PARAM")]
    [InlineData("width=32&height=32&method=zoom", 400, "M_INVALID_PARAM")]
    [InlineData("width=32&height=32&animated=perhaps", 400, "M_INVALID_PARAM")]
    public async Task Bad_thumbnail_parameters_are_refused(string query, int status, string errcode)
    {
        var alice = await Http.RegisterAsync();
        var id = await Http.UploadIdAsync(Image(64, 64), "image/png", alice.AccessToken);
        (await Http.GetMatrixAsync(Thumbnail(id, query), alice.AccessToken)).AssertError(status, errcode);
    }

    [Fact]
    public async Task Animated_request_gets_a_still_thumbnail()
    {
        var alice = await Http.RegisterAsync();
        var id = await Http.UploadIdAsync(Image(400, 300), "image/png", alice.AccessToken);
        Assert.Equal((96, 96), SizeOf(await ThumbnailBytesAsync(id, "width=96&height=96&method=crop&animated=true", alice)));
    }
}

public sealed class SqliteThumbnailTests(MediaSqliteServer server) : ThumbnailTests(server), IClassFixture<MediaSqliteServer>;

public sealed class PostgresThumbnailTests(MediaPostgresServer server) : ThumbnailTests(server), IClassFixture<MediaPostgresServer>;
