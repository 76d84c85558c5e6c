namespace Messenger.Homeserver.Media;

/// <summary>The thumbnail methods of "Thumbnails".</summary>
public enum ThumbnailMethod
{
    /// <summary>Keeps the aspect ratio of the image; the client letterboxes.</summary>
    Scale,

    /// <summary>Gives the aspect ratio of the requested size, cutting the overflow from the middle of the image.</summary>
    Crop,
}
