using Messenger.Federation.Ports;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Media;

namespace Messenger.Homeserver.FederationApi;

/// <summary>
/// Local media for <c>/_matrix/federation/v1/media/download|thumbnail</c>: only ids of this server (remote media
/// cached here is not ours to serve: 404 like any unknown id). The freeze of the deprecated client endpoints does not
/// apply: federation is authenticated.
/// </summary>
public sealed class FederationMediaSource(MediaLookup media, ThumbnailService thumbnails, HomeserverConfig config) : IFederationMediaSource
{
    public async Task<FederationMediaContent> OpenDownloadAsync(string mediaId, long? timeoutMs, CancellationToken ct)
    {
        var stored = await media.FindAsync(config.ServerName, mediaId, timeoutMs, legacy: false, allowRemote: false, ct);
        return Open(media.ContentOf(stored, null));
    }

    public async Task<FederationMediaContent> OpenThumbnailAsync(string mediaId, FederationThumbnailQuery query, long? timeoutMs, CancellationToken ct)
    {
        var request = new ThumbnailRequest(query.Width, query.Height, query.Method == "crop" ? ThumbnailMethod.Crop : ThumbnailMethod.Scale, query.Animated);
        return Open(await thumbnails.ThumbnailAsync(config.ServerName, mediaId, request, timeoutMs, legacy: false, allowRemote: false, ct));
    }

    private static FederationMediaContent Open(MediaContent content) => new(
        new FileStream(content.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true),
        content.ContentType,
        SafeServing.ContentDisposition(SafeServing.IsInlineSafe(content.ContentType), content.FileName));
}
