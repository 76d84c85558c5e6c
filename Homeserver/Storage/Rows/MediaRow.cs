namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// A piece of local media ("Content repository"): the <c>mxc://{server_name}/{media_id}</c> it is known by and the
/// content it names. The bytes live on disk under <c>media_store_path</c>, named by their SHA-256, so several rows
/// with the same bytes share one file. A row made by <c>POST /_matrix/media/v1/create</c> has no content yet
/// (<see cref="Sha256"/> null) until its creator uploads it, and is forgotten after <see cref="UnusedExpiresTs"/>.
/// </summary>
public sealed class MediaRow
{
    /// <summary>The media id of the <c>mxc://</c> URI: 24 letters, as the spec's grammar (<c>A-Za-z0-9_-</c>) allows.</summary>
    public required string MediaId { get; set; }

    /// <summary>The local user who uploaded (or created) it; only they may upload to a created id.</summary>
    public required string UserId { get; set; }

    /// <summary>The <c>Content-Type</c> given at upload; <c>application/octet-stream</c> when none was.</summary>
    public string? ContentType { get; set; }

    /// <summary>The <c>filename</c> given at upload, repeated in <c>Content-Disposition</c> on download.</summary>
    public string? UploadName { get; set; }

    /// <summary>Bytes of content; null until uploaded.</summary>
    public long? Size { get; set; }

    /// <summary>Lower-case hex SHA-256 of the content, which names its file; null until uploaded.</summary>
    public string? Sha256 { get; set; }

    public long CreatedTs { get; set; }

    /// <summary>For an id made by <c>/create</c> and not yet uploaded: when it stops being usable (<c>unused_expires_at</c>).</summary>
    public long? UnusedExpiresTs { get; set; }

    /// <summary>
    /// Made while <c>enable_authenticated_media</c> was on (spec v1.12, "Content repository": the freeze of the
    /// unauthenticated endpoints): served only by <c>/_matrix/client/v1/media</c>, never by the deprecated
    /// <c>/_matrix/media/*/download|thumbnail</c>. Media stored before keeps being served there too, as Synapse does.
    /// </summary>
    public bool Authenticated { get; set; }
}
