using Messenger.Homeserver.Errors;
using SkiaSharp;

namespace Messenger.Homeserver.Media;

/// <summary>
/// Makes thumbnails with SkiaSharp from PNG, JPEG, GIF (first frame) and WebP ("Thumbnails"). JPEG stays JPEG (photos
/// compress better so), everything else becomes PNG; both are inline-safe types. Animated thumbnails are not made:
/// <c>animated=true</c> gets a still one, which the spec allows ("if possible and supported"). The EXIF orientation
/// of photos is applied, so a phone picture's thumbnail stands the right way up.
/// </summary>
public sealed class Thumbnailer
{
    /// <summary>Images of more pixels are not decoded: 413 <c>M_TOO_LARGE</c>, as the spec asks for images "too large" to thumbnail. Synapse's default <c>max_image_pixels</c>.</summary>
    public const long MaxPixels = 32_000_000;

    private static readonly HashSet<string> ThumbnailableTypes = ["image/png", "image/jpeg", "image/gif", "image/webp"];

    /// <summary>Whether content of this type can be thumbnailed; other types get 400 <c>M_UNKNOWN</c>.</summary>
    public static bool CanThumbnail(string contentType) => ThumbnailableTypes.Contains(SafeServing.MediaTypeOf(contentType));

    /// <summary>
    /// The thumbnail of the image in <paramref name="sourcePath"/>, or null when the original is small enough to serve
    /// as it is. An animated original is served only when <paramref name="animated"/> asks for it: otherwise its first
    /// frame, at full size, since the spec says a server MUST NOT answer <c>animated=false</c> with animation.
    /// </summary>
    public ThumbnailImage? Generate(string sourcePath, int width, int height, ThumbnailMethod method, bool animated)
    {
        using var codec = SKCodec.Create(sourcePath) ?? throw CannotThumbnail();
        var info = codec.Info;
        if ((long)info.Width * info.Height > MaxPixels) throw MatrixError.TooLarge("Content is too large to thumbnail");

        var origin = codec.EncodedOrigin;
        var swapped = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (shownWidth, shownHeight) = swapped ? (info.Height, info.Width) : (info.Width, info.Height);
        var plan = ThumbnailGeometry.Plan(shownWidth, shownHeight, width, height, method);
        if (plan.IsOriginal && origin == SKEncodedOrigin.TopLeft && (animated || codec.FrameCount <= 1)) return null;
        if (plan.IsOriginal) plan = new ThumbnailPlan(0, 0, shownWidth, shownHeight, shownWidth, shownHeight);

        using var decoded = new SKBitmap(new SKImageInfo(info.Width, info.Height, SKImageInfo.PlatformColorType, SKAlphaType.Premul));
        var result = codec.GetPixels(decoded.Info, decoded.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput)) throw CannotThumbnail();

        using var oriented = origin == SKEncodedOrigin.TopLeft ? null : Orient(decoded, origin, shownWidth, shownHeight);
        var shown = oriented ?? decoded;
        using var cut = new SKBitmap();
        if (!shown.ExtractSubset(cut, SKRectI.Create(plan.SourceX, plan.SourceY, plan.SourceWidth, plan.SourceHeight))) throw CannotThumbnail();
        using var scaled = cut.Resize(new SKImageInfo(plan.Width, plan.Height, SKImageInfo.PlatformColorType, SKAlphaType.Premul),
            new SKSamplingOptions(SKCubicResampler.Mitchell)) ?? throw CannotThumbnail();

        var jpeg = codec.EncodedFormat == SKEncodedImageFormat.Jpeg;
        using var encoded = scaled.Encode(jpeg ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png, 85) ?? throw CannotThumbnail();
        return jpeg
            ? new ThumbnailImage(encoded.ToArray(), "image/jpeg", "jpg")
            : new ThumbnailImage(encoded.ToArray(), "image/png", "png");
    }

    public static MatrixException CannotThumbnail() => MatrixError.BadRequest("Cannot generate thumbnails for the requested content");

    /// <summary>Draws the decoded pixels the way EXIF says they are meant to be seen (TIFF orientations 1–8).</summary>
    private static SKBitmap Orient(SKBitmap decoded, SKEncodedOrigin origin, int shownWidth, int shownHeight)
    {
        float w = decoded.Width, h = decoded.Height;
        var matrix = origin switch
        {
            SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
            SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),
            SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),
            _ => SKMatrix.Identity,
        };
        var shown = new SKBitmap(new SKImageInfo(shownWidth, shownHeight, SKImageInfo.PlatformColorType, SKAlphaType.Premul));
        using var canvas = new SKCanvas(shown);
        canvas.SetMatrix(matrix);
        canvas.DrawBitmap(decoded, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest), null);
        return shown;
    }
}
