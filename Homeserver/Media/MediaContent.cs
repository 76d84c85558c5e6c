namespace Messenger.Homeserver.Media;

/// <summary>Bytes ready to serve: the file on disk and how to present it.</summary>
/// <param name="Path">The file in the media store (content or cached thumbnail).</param>
/// <param name="ContentType">The type given at upload, or the thumbnail's own.</param>
/// <param name="FileName">The name for <c>Content-Disposition</c>, or null for none.</param>
public sealed record MediaContent(string Path, string ContentType, string? FileName);
