using Messenger.Homeserver.Configuration;

namespace Messenger.Homeserver.Media;

/// <summary>
/// Finds the content behind <c>mxc://{serverName}/{mediaId}</c> for a download or thumbnail: local media from
/// <see cref="MediaService"/>, another server's through <see cref="RemoteMediaCache"/> (fetched over federation the
/// first time). On the deprecated endpoints media stored under the v1.12 freeze is 404 <c>M_NOT_FOUND</c>, and
/// <c>allow_remote=false</c> makes remote media 404 without asking anyone (the routing-loop guard of the spec).
/// </summary>
public sealed class MediaLookup(MediaService local, RemoteMediaCache remote, HomeserverConfig config)
{
    /// <summary>The media for a request of the client-server API.</summary>
    /// <param name="legacy">Through <c>/_matrix/media/*</c>: frozen media is not served and not fetched.</param>
    /// <param name="allowRemote">The deprecated endpoints' <c>allow_remote</c>; false keeps remote media unfetched.</param>
    public async Task<StoredMedia> FindAsync(string serverName, string mediaId, long? timeoutMs, bool legacy, bool allowRemote, CancellationToken ct)
    {
        StoredMedia media;
        if (serverName == config.ServerName)
            media = MediaService.Stored(await local.ResolveAsync(serverName, mediaId, timeoutMs, ct));
        else if (!allowRemote)
            throw MediaService.UnknownMedia();
        else
            media = await remote.GetAsync(serverName, mediaId, timeoutMs, legacy, ct);
        return legacy ? MediaService.RequireUnauthenticatedAccess(media) : media;
    }

    /// <summary>See <see cref="MediaService.ContentOf"/>.</summary>
    public MediaContent ContentOf(StoredMedia media, string? fileName) => local.ContentOf(media, fileName);
}
