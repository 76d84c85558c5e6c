namespace Messenger.Homeserver.Media;

/// <summary>An encoded thumbnail and its type; <see cref="Extension"/> names its cache file.</summary>
public sealed record ThumbnailImage(byte[] Bytes, string ContentType, string Extension);
