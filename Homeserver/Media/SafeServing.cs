using System.Text;

namespace Messenger.Homeserver.Media;

/// <summary>
/// Headers that make served media harmless in a browser ("Content repository", "Serving inline content"):
/// <c>inline</c> only for the spec's list of types that cannot script (never HTML, SVG or XML), <c>attachment</c>
/// otherwise; the recommended sandboxing <c>Content-Security-Policy</c>; <c>nosniff</c> so the browser keeps the
/// given type; <c>Cross-Origin-Resource-Policy: cross-origin</c> (spec 1.4) so web clients on other origins can use it.
/// </summary>
public static class SafeServing
{
    public const string ContentSecurityPolicy =
        "sandbox; default-src 'none'; script-src 'none'; plugin-types application/pdf; style-src 'unsafe-inline'; object-src 'self';";

    /// <summary>The spec's list of types that may be served <c>inline</c>.</summary>
    private static readonly HashSet<string> InlineTypes =
    [
        "text/css", "text/plain", "text/csv", "application/json", "application/ld+json",
        "image/jpeg", "image/gif", "image/png", "image/apng", "image/webp", "image/avif",
        "video/mp4", "video/webm", "video/ogg", "video/quicktime",
        "audio/mp4", "audio/webm", "audio/aac", "audio/mpeg", "audio/ogg", "audio/wave", "audio/wav", "audio/x-wav",
        "audio/x-pn-wav", "audio/flac", "audio/x-flac",
    ];

    /// <summary>The media type without parameters, lower-cased (<c>Text/Plain; charset=utf-8</c> → <c>text/plain</c>).</summary>
    public static string MediaTypeOf(string contentType)
    {
        var semicolon = contentType.IndexOf(';');
        return (semicolon < 0 ? contentType : contentType[..semicolon]).Trim().ToLowerInvariant();
    }

    public static bool IsInlineSafe(string contentType) => InlineTypes.Contains(MediaTypeOf(contentType));

    /// <summary>Sets the safety headers and <c>Content-Disposition</c> for serving <paramref name="content"/>.</summary>
    public static void Apply(HttpResponse response, MediaContent content)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Cross-Origin-Resource-Policy"] = "cross-origin";
        response.Headers.ContentDisposition = ContentDisposition(IsInlineSafe(content.ContentType), content.FileName);
    }

    /// <summary>
    /// <c>inline</c> or <c>attachment</c>, with the file name when there is one: quoted when it is plain printable
    /// ASCII, else as RFC 6266 <c>filename*=utf-8''…</c> so any name survives without breaking the header.
    /// </summary>
    public static string ContentDisposition(bool inline, string? fileName)
    {
        var disposition = inline ? "inline" : "attachment";
        if (string.IsNullOrEmpty(fileName)) return disposition;
        if (fileName.All(c => c is >= ' ' and < '\x7f' and not '"' and not '\\'))
            return $"{disposition}; filename=\"{fileName}\"";
        var encoded = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(fileName))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '!' or '#' or '$' or '&' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~')
                encoded.Append(c);
            else
                encoded.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return $"{disposition}; filename*=utf-8''{encoded}";
    }
}
