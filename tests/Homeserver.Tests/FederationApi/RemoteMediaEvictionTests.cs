using System.Net;
using System.Security.Cryptography;
using Messenger.Homeserver.Jobs;
using Messenger.Homeserver.Media;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Tests.Media;
using Messenger.Homeserver.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>
/// B's cache of A's media stays within <c>media_retention</c>: over <c>remote_cache_max_size</c> the least recently
/// used items go first, items unused for <c>remote_media_lifetime</c> go anyway, a content file stays while a local
/// upload still names the same bytes, and evicted media is fetched from A again when a user asks for it.
/// </summary>
public abstract class RemoteMediaEvictionTests(FederatingPair pair)
{
    private const string Authenticated = "/_matrix/client/v1/media";

    private static readonly long Hour = (long)TimeSpan.FromHours(1).TotalMilliseconds;

    [Fact]
    public async Task Over_the_size_limit_the_least_recently_used_go_and_a_file_shared_with_a_local_upload_survives()
    {
        await EmptyCacheOfBAsync();
        var alice = await pair.A.Client.RegisterAsync();
        var bob = await pair.B.Client.RegisterAsync();
        var size = RemoteMediaEvictionLimits.ItemSize;
        byte[] reused = RandomBytes(size), shared = RandomBytes(size), image = RemoteMediaEvictionLimits.Image, recent = RandomBytes(size);
        var reusedId = await UploadAsync(pair.A, alice, reused, "application/octet-stream");
        var sharedId = await UploadAsync(pair.A, alice, shared, "application/octet-stream");
        var imageId = await UploadAsync(pair.A, alice, image, "image/png");
        var recentId = await UploadAsync(pair.A, alice, recent, "application/octet-stream");
        foreach (var id in new[] { reusedId, sharedId, imageId, recentId }) await DownloadFromBAsync(bob, id);
        using (var thumbnail = await pair.B.Client.GetRawAsync($"{Authenticated}/thumbnail/{FederatingPair.NameA}/{imageId}?width=32&height=32&method=crop", bob.AccessToken))
            Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
        Assert.True(Directory.Exists(ThumbnailsOnB(image)));
        // Bob uploads the same bytes as one cached item: B stores them once, and that file is now his too.
        var bobsId = await UploadAsync(pair.B, bob, shared, "application/octet-stream");

        // Last used 4, 3, 2 and 1 hours ago; then the oldest is asked for again, which records its use.
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await SetLastAccessOnBAsync(reusedId, now - 4 * Hour);
        await SetLastAccessOnBAsync(sharedId, now - 3 * Hour);
        await SetLastAccessOnBAsync(imageId, now - 2 * Hour);
        await SetLastAccessOnBAsync(recentId, now - 1 * Hour - 60_000);
        await DownloadFromBAsync(bob, reusedId);

        // Four items of the size, room for two and a half: the two least recently used go.
        await RunEvictionOnBAsync();
        Assert.Equal(new[] { recentId, reusedId }.Order(StringComparer.Ordinal), (await CachedIdsOnBAsync()).Order(StringComparer.Ordinal));
        Assert.False(File.Exists(ContentOnB(image)), "an unreferenced file is deleted");
        Assert.False(Directory.Exists(ThumbnailsOnB(image)), "its thumbnails with it");
        Assert.True(File.Exists(ContentOnB(shared)), "Bob's upload still names this file");
        using (var own = await pair.B.Client.GetRawAsync($"{Authenticated}/download/{FederatingPair.NameB}/{bobsId}", bob.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
            Assert.Equal(shared, await own.Content.ReadAsByteArrayAsync());
        }

        // Evicted media is fetched from A again, transparently.
        Assert.Equal(image, await DownloadFromBAsync(bob, imageId));
        Assert.Contains(imageId, await CachedIdsOnBAsync());
        Assert.True(File.Exists(ContentOnB(image)));
        Assert.Equal(shared, await DownloadFromBAsync(bob, sharedId));
    }

    [Fact]
    public async Task Media_unused_for_the_lifetime_goes_even_under_the_size_limit()
    {
        await EmptyCacheOfBAsync();
        var alice = await pair.A.Client.RegisterAsync();
        var bob = await pair.B.Client.RegisterAsync();
        byte[] old = RandomBytes(100), fresh = RandomBytes(100);
        var oldId = await UploadAsync(pair.A, alice, old, "application/octet-stream");
        var freshId = await UploadAsync(pair.A, alice, fresh, "application/octet-stream");
        await DownloadFromBAsync(bob, oldId);
        await DownloadFromBAsync(bob, freshId);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await SetLastAccessOnBAsync(oldId, now - (long)TimeSpan.FromDays(31).TotalMilliseconds);
        await SetLastAccessOnBAsync(freshId, now - (long)TimeSpan.FromDays(29).TotalMilliseconds);

        await RunEvictionOnBAsync();
        Assert.Equal([freshId], await CachedIdsOnBAsync());
        Assert.False(File.Exists(ContentOnB(old)));
        Assert.True(File.Exists(ContentOnB(fresh)));
    }

    [Fact]
    public async Task A_cached_item_whose_file_is_gone_is_fetched_again()
    {
        await EmptyCacheOfBAsync();
        var alice = await pair.A.Client.RegisterAsync();
        var bob = await pair.B.Client.RegisterAsync();
        var bytes = RandomBytes(100);
        var id = await UploadAsync(pair.A, alice, bytes, "application/octet-stream");
        await DownloadFromBAsync(bob, id);

        File.Delete(ContentOnB(bytes));
        Assert.Equal(bytes, await DownloadFromBAsync(bob, id));
        Assert.True(File.Exists(ContentOnB(bytes)));
        Assert.Equal([id], await CachedIdsOnBAsync());
    }

    private static async Task<string> UploadAsync(FederatingServer server, Session user, byte[] bytes, string contentType)
    {
        var uri = (await server.Client.UploadAsync(bytes, contentType, user.AccessToken)).AssertOk().String("content_uri");
        Assert.StartsWith($"mxc://{server.ServerName}/", uri);
        return uri[$"mxc://{server.ServerName}/".Length..];
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    private async Task<byte[]> DownloadFromBAsync(Session user, string mediaId)
    {
        using var response = await pair.B.Client.GetRawAsync($"{Authenticated}/download/{FederatingPair.NameA}/{mediaId}", user.AccessToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private string ContentOnB(byte[] bytes) =>
        pair.B.Services.GetRequiredService<MediaFiles>().ContentPath(Convert.ToHexStringLower(SHA256.HashData(bytes)));

    private string ThumbnailsOnB(byte[] bytes) =>
        Path.GetDirectoryName(pair.B.Services.GetRequiredService<MediaFiles>().ThumbnailPath(Convert.ToHexStringLower(SHA256.HashData(bytes)), "x"))!;

    private async Task RunEvictionOnBAsync()
    {
        await using var scope = pair.B.Services.CreateAsyncScope();
        await ActivatorUtilities.CreateInstance<RemoteMediaEvictionJob>(scope.ServiceProvider).Execute(null!, CancellationToken.None);
    }

    private async Task<List<string>> CachedIdsOnBAsync()
    {
        await using var scope = pair.B.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<HomeserverDbContext>().RemoteMedia.Select(m => m.MediaId).ToListAsync();
    }

    private async Task SetLastAccessOnBAsync(string mediaId, long lastAccessTs)
    {
        await using var scope = pair.B.Services.CreateAsyncScope();
        var updated = await scope.ServiceProvider.GetRequiredService<HomeserverDbContext>().RemoteMedia
            .Where(m => m.Origin == FederatingPair.NameA && m.MediaId == mediaId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LastAccessTs, lastAccessTs));
        Assert.Equal(1, updated);
    }

    /// <summary>Each test starts from an empty cache on B, so the others' items do not count towards its limit.</summary>
    private async Task EmptyCacheOfBAsync()
    {
        await using var scope = pair.B.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<HomeserverDbContext>().RemoteMedia.ExecuteDeleteAsync();
    }
}

public sealed class SqliteRemoteMediaEvictionTests(SqliteRemoteMediaEvictionPair pair) : RemoteMediaEvictionTests(pair), IClassFixture<SqliteRemoteMediaEvictionPair>;

public sealed class PostgresRemoteMediaEvictionTests(PostgresRemoteMediaEvictionPair pair) : RemoteMediaEvictionTests(pair), IClassFixture<PostgresRemoteMediaEvictionPair>;
