using System.Globalization;
using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.Media;

/// <summary>
/// The query of a thumbnail request: <c>width</c> and <c>height</c> (required, positive integers), <c>method</c>
/// (<c>crop</c> or <c>scale</c>, default <c>scale</c>), <c>animated</c> (a boolean; accepted, see <see cref="Thumbnailer"/>).
/// </summary>
public sealed record ThumbnailRequest(int Width, int Height, ThumbnailMethod Method, bool Animated)
{
    public static ThumbnailRequest Parse(IQueryCollection query)
    {
        var method = query["method"].ToString() switch
        {
            "" or "scale" => ThumbnailMethod.Scale,
            "crop" => ThumbnailMethod.Crop,
            var other => throw MatrixError.InvalidParam($"method must be 'crop' or 'scale', not '{other}'"),
        };
        var animated = query["animated"].ToString() switch
        {
            "" or "false" => false,
            "true" => true,
            _ => throw MatrixError.InvalidParam("animated must be true or false"),
        };
        return new ThumbnailRequest(Dimension(query, "width"), Dimension(query, "height"), method, animated);
    }

    private static int Dimension(IQueryCollection query, string name)
    {
        var text = query[name].ToString();
        if (text.Length == 0) throw MatrixError.MissingParam(name);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw MatrixError.InvalidParam($"{name} must be a positive integer");
    }
}
