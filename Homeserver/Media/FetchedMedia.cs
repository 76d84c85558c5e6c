namespace Messenger.Homeserver.Media;

/// <summary>Remote media now in the content store, with what the origin said about it.</summary>
public sealed record FetchedMedia(string Sha256, long Size, string ContentType, string? FileName);
