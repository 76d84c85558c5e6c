namespace Messenger.Homeserver.Media;

/// <summary>Content in the media store, local or cached from another server, as downloads and thumbnails need it.</summary>
/// <param name="Sha256">Names the content file (and its thumbnails).</param>
/// <param name="ContentType">The type given at upload, or by the origin.</param>
/// <param name="UploadName">The upload's file name (the origin's, for remote media), or null.</param>
/// <param name="Authenticated">Stored under the v1.12 freeze: only the authenticated endpoints serve it.</param>
public sealed record StoredMedia(string Sha256, string ContentType, string? UploadName, bool Authenticated);
