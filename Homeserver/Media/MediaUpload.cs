namespace Messenger.Homeserver.Media;

/// <summary>An upload as the client sent it: the body, its declared length, <c>Content-Type</c> and <c>filename</c>.</summary>
public sealed record MediaUpload(Stream Body, long? Length, string? ContentType, string? FileName);
