using Messenger.Homeserver.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static Messenger.Homeserver.Tests.Media.MediaRequests;

namespace Messenger.Homeserver.Tests.Media;

/// <summary>
/// <c>GET …/preview_url</c> with <c>url_preview_enabled: true</c>, against a real site on Kestrel (127.0.0.1, which the
/// test config allows through <c>outbound.allowed_private_ranges</c>): Open Graph data, the image stored as media,
/// and private addresses refused.
/// </summary>
public abstract class UrlPreviewTests(ServerFixture server) : IAsyncLifetime
{
    private WebApplication? site;
    private string siteUrl = "";

    private HttpClient Http => server.Client;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        site = builder.Build();
        var png = Image(40, 30);
        site.MapGet("/page", () => Results.Content("""
            <html><head><title>Ignored title</title>
            <meta property="og:title" content="Fish &amp; Chips">
            <meta property='og:description' content='Crispy, hot'>
            <meta property="og:image" content="/picture.png">
            <script>alert(1)</script></head><body>hi</body></html>
            """, "text/html; charset=utf-8"));
        site.MapGet("/plain", () => Results.Content("<html><head><title> Just a title </title><meta name=\"description\" content=\"About it\"></head></html>", "text/html"));
        site.MapGet("/picture.png", () => Results.Bytes(png, "image/png"));
        site.MapGet("/text", () => Results.Text("plain text", "text/plain"));
        site.MapGet("/moved", () => Results.Redirect("/page"));
        site.MapGet("/to-private", () => Results.Redirect("http://10.255.0.1/"));
        await site.StartAsync();
        siteUrl = site.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async ValueTask DisposeAsync()
    {
        if (site is not null) await site.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private Task<MatrixResponse> PreviewAsync(Session session, string url, string prefix = Authenticated) =>
        Http.GetMatrixAsync($"{prefix}/preview_url?url={Uri.EscapeDataString(url)}", session.AccessToken);

    [Fact]
    public async Task Open_graph_data_is_returned_with_the_image_stored_as_media()
    {
        var alice = await Http.RegisterAsync();

        var preview = (await PreviewAsync(alice, siteUrl + "/page")).AssertOk().Body;

        Assert.Equal("Fish & Chips", (string?)preview["og:title"]);
        Assert.Equal("Crispy, hot", (string?)preview["og:description"]);
        var image = (string)preview["og:image"]!;
        Assert.StartsWith($"mxc://{ServerFixture.ServerName}/", image);
        Assert.Equal("image/png", (string?)preview["og:image:type"]);
        Assert.Equal(Image(40, 30).Length, (long)preview["matrix:image:size"]!);
        using var download = await Http.GetRawAsync($"{Authenticated}/download/{ServerFixture.ServerName}/{image.Split('/')[^1]}", alice.AccessToken);
        Assert.Equal(Image(40, 30), await download.Content.ReadAsByteArrayAsync());
        // The legacy path answers the same way, and redirects are followed.
        Assert.Equal("Fish & Chips", (string?)(await PreviewAsync(alice, siteUrl + "/moved", Legacy)).AssertOk().Body["og:title"]);
    }

    [Fact]
    public async Task Title_and_description_fall_back_and_other_content_previews_empty()
    {
        var alice = await Http.RegisterAsync();

        var plain = (await PreviewAsync(alice, siteUrl + "/plain")).AssertOk().Body;
        var image = (await PreviewAsync(alice, siteUrl + "/picture.png")).AssertOk().Body;
        var text = (await PreviewAsync(alice, siteUrl + "/text")).AssertOk().Body;

        Assert.Equal("Just a title", (string?)plain["og:title"]);
        Assert.Equal("About it", (string?)plain["og:description"]);
        Assert.StartsWith("mxc://", (string?)image["og:image"]);
        Assert.Empty(text);
    }

    [Fact]
    public async Task Private_addresses_bad_urls_and_failures_get_errors()
    {
        var alice = await Http.RegisterAsync();

        (await PreviewAsync(alice, "http://10.1.2.3/")).AssertError(403, "M_FORBIDDEN");
        (await PreviewAsync(alice, "http://[::1]/")).AssertError(403, "M_FORBIDDEN");
        (await PreviewAsync(alice, "http://169.254.169.254/latest/meta-data/")).AssertError(403, "M_FORBIDDEN");
        (await PreviewAsync(alice, siteUrl + "/to-private")).AssertError(502, "M_UNKNOWN");
        (await PreviewAsync(alice, siteUrl + "/missing")).AssertError(502, "M_UNKNOWN");
        (await PreviewAsync(alice, "ftp://example.org/file")).AssertError(400, "M_INVALID_PARAM");
        (await Http.GetMatrixAsync($"{Authenticated}/preview_url", alice.AccessToken)).AssertError(400, "M_MISSING_PARAM");
        (await Http.GetMatrixAsync($"{Authenticated}/preview_url?url={Uri.EscapeDataString(siteUrl + "/page")}")).AssertError(401, "M_MISSING_TOKEN");
    }
}

/// <summary>SQLite server with URL previews on.</summary>
public sealed class PreviewSqliteServer : SqliteServer
{
    protected override string ExtraYaml => "url_preview_enabled: true";
}

/// <summary>PostgreSQL server with URL previews on.</summary>
public sealed class PreviewPostgresServer : PostgresServer
{
    protected override string ExtraYaml => "url_preview_enabled: true";
}

public sealed class SqliteUrlPreviewTests(PreviewSqliteServer server) : UrlPreviewTests(server), IClassFixture<PreviewSqliteServer>;

public sealed class PostgresUrlPreviewTests(PreviewPostgresServer server) : UrlPreviewTests(server), IClassFixture<PreviewPostgresServer>;
