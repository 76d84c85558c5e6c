namespace Messenger.Homeserver.Media;

/// <summary>
/// What to make of an image for a thumbnail request: the rectangle of the source to keep and the size to draw it at;
/// or <see cref="Original"/> when the image is already no larger than asked (the spec: serve the original then).
/// </summary>
public sealed record ThumbnailPlan(int SourceX, int SourceY, int SourceWidth, int SourceHeight, int Width, int Height)
{
    public static readonly ThumbnailPlan Original = new(0, 0, 0, 0, 0, 0);

    public bool IsOriginal => ReferenceEquals(this, Original);
}
