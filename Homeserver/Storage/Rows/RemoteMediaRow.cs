namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// Media of another server cached here (<c>remote_media_cache</c>), keyed by the <c>mxc://{Origin}/{MediaId}</c> it
/// was fetched for. The bytes live in the same content-addressed store as local media, so a second request — for
/// the download or any thumbnail — is served from disk without asking the origin again.
/// </summary>
public sealed class RemoteMediaRow
{
    /// <summary>The server name of the <c>mxc://</c> URI, which the content was fetched from.</summary>
    public required string Origin { get; set; }

    public required string MediaId { get; set; }

    /// <summary>The <c>Content-Type</c> the origin gave (the spec's default when it gave none usable).</summary>
    public required string ContentType { get; set; }

    /// <summary>The origin's <c>filename</c> from its <c>Content-Disposition</c>, which the spec says to serve again.</summary>
    public string? UploadName { get; set; }

    public long Size { get; set; }

    /// <summary>Lower-case hex SHA-256 of the content, which names its file.</summary>
    public required string Sha256 { get; set; }

    /// <summary>When the cache was filled: for remote media the v1.12 freeze counts this as the upload time.</summary>
    public long CachedTs { get; set; }

    /// <summary>
    /// When a local user last asked for it (download or thumbnail), to within an hour: the cache evicts the least
    /// recently used first (<c>media_retention</c>). Written at most hourly per item, not on every download.
    /// </summary>
    public long LastAccessTs { get; set; }

    /// <summary>Cached while <c>enable_authenticated_media</c> was on: never served by the deprecated endpoints.</summary>
    public bool Authenticated { get; set; }
}
