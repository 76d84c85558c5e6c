namespace Messenger.Federation.Ports;

/// <summary>
/// Local media for other servers ("Content Repository" of the server-server API): the homeserver opens the content
/// of its own <c>mxc://</c> ids, never media it cached from elsewhere. Failures are thrown as the errors the spec
/// lists (404 <c>M_NOT_FOUND</c>, 504 <c>M_NOT_YET_UPLOADED</c>, 400/413 for thumbnails).
/// </summary>
public interface IFederationMediaSource
{
    /// <summary>The content of a local media id, waiting up to <paramref name="timeoutMs"/> for a pending upload.</summary>
    Task<FederationMediaContent> OpenDownloadAsync(string mediaId, long? timeoutMs, CancellationToken ct);

    /// <summary>A thumbnail of a local media id (made here from the original).</summary>
    Task<FederationMediaContent> OpenThumbnailAsync(string mediaId, FederationThumbnailQuery query, long? timeoutMs, CancellationToken ct);
}

/// <summary>An opened piece of media: the bytes and the part headers they are sent with.</summary>
/// <param name="Body">The content, opened for reading; the endpoint disposes it.</param>
/// <param name="ContentType">The media's <c>Content-Type</c>.</param>
/// <param name="ContentDisposition">The <c>Content-Disposition</c> the client-server API would serve it with.</param>
public sealed record FederationMediaContent(Stream Body, string ContentType, string ContentDisposition);

/// <summary>The query of <c>GET /_matrix/federation/v1/media/thumbnail/{mediaId}</c>: <c>width</c>, <c>height</c>, <c>method</c> (<c>crop</c>/<c>scale</c>), <c>animated</c>.</summary>
public sealed record FederationThumbnailQuery(int Width, int Height, string Method, bool Animated);
