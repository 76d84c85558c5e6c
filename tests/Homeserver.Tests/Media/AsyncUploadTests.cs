using System.Net;
using System.Text;
using Messenger.Homeserver.Jobs;
using Messenger.Homeserver.Media;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Messenger.Homeserver.Tests.Media.MediaRequests;

namespace Messenger.Homeserver.Tests.Media;

/// <summary>Asynchronous uploads: <c>POST /_matrix/media/v1/create</c> then <c>PUT /_matrix/media/v3/upload/{serverName}/{mediaId}</c>.</summary>
public abstract class AsyncUploadTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private async Task<string> CreateAsync(Session session)
    {
        var created = (await Http.PostMatrixAsync("/_matrix/media/v1/create", new { }, session.AccessToken)).AssertOk();
        var uri = created.String("content_uri");
        Assert.StartsWith($"mxc://{ServerFixture.ServerName}/", uri);
        // The spec's recommended expiry: 24 hours.
        Assert.Equal(server.Clock.GetUtcNow().AddHours(24).ToUnixTimeMilliseconds(), (long)created.Body["unused_expires_at"]!);
        return uri.Split('/')[^1];
    }

    private Task<MatrixResponse> PutAsync(string mediaId, byte[] bytes, Session session, string contentType = "text/plain") =>
        Http.SendBytesAsync(HttpMethod.Put, $"/_matrix/media/v3/upload/{ServerFixture.ServerName}/{mediaId}?filename=late.txt",
            new ByteArrayContent(bytes), contentType, session.AccessToken);

    private static string Download(string mediaId) => $"{Authenticated}/download/{ServerFixture.ServerName}/{mediaId}";

    [Fact]
    public async Task Created_id_is_M_NOT_YET_UPLOADED_until_its_creator_uploads_once()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var id = await CreateAsync(alice);

        (await Http.GetMatrixAsync(Download(id) + "?timeout_ms=0", alice.AccessToken)).AssertError(504, "M_NOT_YET_UPLOADED");
        (await Http.GetMatrixAsync($"{Authenticated}/thumbnail/{ServerFixture.ServerName}/{id}?width=32&height=32&timeout_ms=0", alice.AccessToken))
            .AssertError(504, "M_NOT_YET_UPLOADED");
        (await PutAsync(id, [1], bob)).AssertError(403, "M_FORBIDDEN");

        var bytes = Encoding.UTF8.GetBytes("arrived later");
        Assert.Empty((await PutAsync(id, bytes, alice)).AssertOk().Body);
        (await PutAsync(id, [2], alice)).AssertError(409, "M_CANNOT_OVERWRITE_MEDIA");

        using var response = await Http.GetRawAsync(Download(id), bob.AccessToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("inline; filename=\"late.txt\"", response.Content.Headers.GetValues("Content-Disposition").Single());
    }

    [Fact]
    public async Task Waiting_download_gets_the_content_when_it_is_uploaded()
    {
        var alice = await Http.RegisterAsync();
        var id = await CreateAsync(alice);

        var waiting = Http.GetRawAsync(Download(id) + "?timeout_ms=20000", alice.AccessToken);
        // The server's clock is fake and never advances here: only the upload can end this wait.
        var waiters = server.Services.GetRequiredService<UploadWaiters>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!waiters.IsWaitedFor(id) && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.True(waiters.IsWaitedFor(id), "the download never started waiting");
        (await PutAsync(id, Encoding.UTF8.GetBytes("worth the wait"), alice)).AssertOk();

        using var response = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("worth the wait", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Unknown_and_expired_ids_are_M_NOT_FOUND()
    {
        var alice = await Http.RegisterAsync();
        (await PutAsync("NeverCreatedThisMediaId", [1], alice)).AssertError(404, "M_NOT_FOUND");
        (await Http.SendBytesAsync(HttpMethod.Put, "/_matrix/media/v3/upload/other.example/AbCdEf", new ByteArrayContent([1]), "text/plain", alice.AccessToken))
            .AssertError(404, "M_NOT_FOUND");

        var id = await CreateAsync(alice);
        server.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));

        (await PutAsync(id, [1], alice)).AssertError(404, "M_NOT_FOUND");
        (await Http.GetMatrixAsync(Download(id), alice.AccessToken)).AssertError(404, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Cleanup_job_forgets_expired_unused_ids_only()
    {
        var alice = await Http.RegisterAsync();
        var expired = await CreateAsync(alice);
        var uploaded = await CreateAsync(alice);
        (await PutAsync(uploaded, [1], alice)).AssertOk();
        server.Clock.Advance(TimeSpan.FromHours(25));
        var fresh = await CreateAsync(alice);

        await using (var scope = server.Services.CreateAsyncScope())
        {
            await ActivatorUtilities.CreateInstance<ExpiredMediaIdsCleanupJob>(scope.ServiceProvider).Execute(null!, CancellationToken.None);
        }

        await using var check = server.Services.CreateAsyncScope();
        var ids = await check.ServiceProvider.GetRequiredService<HomeserverDbContext>().Media
            .Where(m => m.MediaId == expired || m.MediaId == uploaded || m.MediaId == fresh).Select(m => m.MediaId).ToListAsync();
        Assert.Equal(new[] { uploaded, fresh }.Order(), ids.Order());
    }

    [Fact]
    public async Task Too_many_pending_ids_is_429_M_LIMIT_EXCEEDED_and_an_upload_frees_one()
    {
        var alice = await Http.RegisterAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add(await CreateAsync(alice));

        (await Http.PostMatrixAsync("/_matrix/media/v1/create", new { }, alice.AccessToken)).AssertError(429, "M_LIMIT_EXCEEDED");

        (await PutAsync(ids[0], [1], alice)).AssertOk();
        await CreateAsync(alice);
    }

    [Fact]
    public async Task Async_upload_over_the_limit_is_M_TOO_LARGE_and_the_id_stays_usable()
    {
        var alice = await Http.RegisterAsync();
        var id = await CreateAsync(alice);

        (await PutAsync(id, new byte[MediaLimits.MaxUploadSize + 1], alice)).AssertError(413, "M_TOO_LARGE");
        (await Http.GetMatrixAsync(Download(id) + "?timeout_ms=0", alice.AccessToken)).AssertError(504, "M_NOT_YET_UPLOADED");
        (await PutAsync(id, [7], alice)).AssertOk();
    }
}

public sealed class SqliteAsyncUploadTests(MediaSqliteServer server) : AsyncUploadTests(server), IClassFixture<MediaSqliteServer>;

public sealed class PostgresAsyncUploadTests(MediaPostgresServer server) : AsyncUploadTests(server), IClassFixture<MediaPostgresServer>;
