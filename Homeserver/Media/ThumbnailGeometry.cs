namespace Messenger.Homeserver.Media;

/// <summary>
/// Thumbnail sizes ("Thumbnails", content repository). The requested size is the minimum the client wants: a
/// thumbnail is never smaller than asked unless the image itself is, and never upscaled. Requests are first rounded up
/// to the sizes the spec says servers SHOULD produce (32x32, 96x96 crop; 320x240, 640x480, 800x600 scale), so that
/// clients asking for odd sizes share a few cached files, as Synapse's pre-generated sizes do. Pure arithmetic.
/// </summary>
public static class ThumbnailGeometry
{
    /// <summary>The spec's recommended sizes, smallest first.</summary>
    public static readonly IReadOnlyList<(int Width, int Height, ThumbnailMethod Method)> StandardSizes =
    [
        (32, 32, ThumbnailMethod.Crop),
        (96, 96, ThumbnailMethod.Crop),
        (320, 240, ThumbnailMethod.Scale),
        (640, 480, ThumbnailMethod.Scale),
        (800, 600, ThumbnailMethod.Scale),
    ];

    /// <summary>The smallest standard size of the method that covers the request; the request itself if none does.</summary>
    public static (int Width, int Height) Snap(int width, int height, ThumbnailMethod method)
    {
        foreach (var size in StandardSizes)
        {
            if (size.Method == method && size.Width >= width && size.Height >= height) return (size.Width, size.Height);
        }
        return (width, height);
    }

    /// <summary>How to thumbnail a <paramref name="sourceWidth"/> x <paramref name="sourceHeight"/> image to at least the wanted size.</summary>
    public static ThumbnailPlan Plan(int sourceWidth, int sourceHeight, int width, int height, ThumbnailMethod method)
    {
        if (sourceWidth <= width && sourceHeight <= height) return ThumbnailPlan.Original;
        return method == ThumbnailMethod.Scale
            ? PlanScale(sourceWidth, sourceHeight, width, height)
            : PlanCrop(sourceWidth, sourceHeight, width, height);
    }

    /// <summary>
    /// Scale: the whole image, aspect kept, shrunk as far as it can go while still covering the requested box (both
    /// sides at least as asked). An image narrower or shorter than the box cannot shrink at all: the original.
    /// </summary>
    private static ThumbnailPlan PlanScale(int sourceWidth, int sourceHeight, int width, int height)
    {
        var factor = Math.Max((double)width / sourceWidth, (double)height / sourceHeight);
        if (factor >= 1) return ThumbnailPlan.Original;
        var outWidth = Math.Clamp((int)Math.Round(sourceWidth * factor), width, sourceWidth);
        var outHeight = Math.Clamp((int)Math.Round(sourceHeight * factor), height, sourceHeight);
        return new ThumbnailPlan(0, 0, sourceWidth, sourceHeight, outWidth, outHeight);
    }

    /// <summary>
    /// Crop: exactly the requested size, from the centre of the image shrunk to cover it. When one side of the image is
    /// already shorter than asked, that side is kept as it is and only the other is cut (no upscaling).
    /// </summary>
    private static ThumbnailPlan PlanCrop(int sourceWidth, int sourceHeight, int width, int height)
    {
        if (sourceWidth < width || sourceHeight < height)
        {
            var keepWidth = Math.Min(sourceWidth, width);
            var keepHeight = Math.Min(sourceHeight, height);
            return new ThumbnailPlan((sourceWidth - keepWidth) / 2, (sourceHeight - keepHeight) / 2, keepWidth, keepHeight, keepWidth, keepHeight);
        }
        var factor = Math.Max((double)width / sourceWidth, (double)height / sourceHeight);
        var cutWidth = Math.Min(sourceWidth, (int)Math.Round(width / factor));
        var cutHeight = Math.Min(sourceHeight, (int)Math.Round(height / factor));
        return new ThumbnailPlan((sourceWidth - cutWidth) / 2, (sourceHeight - cutHeight) / 2, cutWidth, cutHeight, width, height);
    }
}
