using System.Net;
using System.Text;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Media.MediaRequests;

namespace Messenger.Homeserver.Tests.Media;

/// <summary>
/// The spec v1.12 freeze with <c>enable_authenticated_media</c> (on by default, as Synapse): media uploaded under it is
/// 404 <c>M_NOT_FOUND</c> on the deprecated unauthenticated download and thumbnail routes and served by the
/// authenticated ones; media uploaded before the switch stays reachable on both.
/// </summary>
public abstract class MediaFreezeTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private static string Download(string mediaId, string prefix = Authenticated) => $"{prefix}/download/{ServerFixture.ServerName}/{mediaId}";

    private static string Thumbnail(string mediaId, string query, string prefix) => $"{prefix}/thumbnail/{ServerFixture.ServerName}/{mediaId}?{query}";

    [Fact]
    public async Task Media_uploaded_while_frozen_is_not_found_on_the_legacy_routes()
    {
        var before = await Http.RegisterAsync();
        var oldId = await Http.UploadIdAsync(Image(64, 64), "image/png", before.AccessToken);
        using (var served = await Http.GetRawAsync(Download(oldId, Legacy))) Assert.Equal(HttpStatusCode.OK, served.StatusCode);

        // Turn the freeze on (the default) and restart on the same database.
        var path = Path.Combine(server.Directory, "homeserver.yaml");
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(path)).Replace("enable_authenticated_media: false", "enable_authenticated_media: true", StringComparison.Ordinal));
        await server.RestartAsync();
        var alice = await Http.RegisterAsync();
        var newId = await Http.UploadIdAsync(Encoding.UTF8.GetBytes("frozen"), "text/plain", alice.AccessToken);
        var newImage = await Http.UploadIdAsync(Image(64, 64), "image/png", alice.AccessToken);

        (await Http.GetMatrixAsync(Download(newId, Legacy))).AssertError(404, "M_NOT_FOUND");
        (await Http.GetMatrixAsync(Download(newId, "/_matrix/media/r0"))).AssertError(404, "M_NOT_FOUND");
        (await Http.GetMatrixAsync(Thumbnail(newImage, "width=32&height=32&method=scale", Legacy))).AssertError(404, "M_NOT_FOUND");
        using (var authenticated = await Http.GetRawAsync(Download(newId), alice.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, authenticated.StatusCode);
            Assert.Equal("frozen", await authenticated.Content.ReadAsStringAsync());
        }
        // Media from before the switch is still served without a token.
        using var old = await Http.GetRawAsync(Download(oldId, Legacy));
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
        using var oldThumbnail = await Http.GetRawAsync(Thumbnail(oldId, "width=32&height=32&method=scale", Legacy));
        Assert.Equal(HttpStatusCode.OK, oldThumbnail.StatusCode);
    }
}

/// <summary>SQLite server starting with the freeze off.</summary>
public sealed class UnfrozenSqliteServer : SqliteServer
{
    protected override string ExtraYaml => "enable_authenticated_media: false";
}

/// <summary>PostgreSQL server starting with the freeze off.</summary>
public sealed class UnfrozenPostgresServer : PostgresServer
{
    protected override string ExtraYaml => "enable_authenticated_media: false";
}

public sealed class SqliteMediaFreezeTests(UnfrozenSqliteServer server) : MediaFreezeTests(server), IClassFixture<UnfrozenSqliteServer>;

public sealed class PostgresMediaFreezeTests(UnfrozenPostgresServer server) : MediaFreezeTests(server), IClassFixture<UnfrozenPostgresServer>;
