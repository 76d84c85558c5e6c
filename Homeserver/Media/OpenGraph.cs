using System.Net;
using System.Text.RegularExpressions;

namespace Messenger.Homeserver.Media;

/// <summary>
/// The Open Graph metadata of an HTML page, as URL previews return it ("Content repository", <c>preview_url</c>):
/// every <c>og:*</c> <c>meta</c> property, with <c>og:title</c> falling back to <c>&lt;title&gt;</c> and
/// <c>og:description</c> to <c>meta name="description"</c>, as Synapse does. Values are HTML-decoded; the page is never
/// executed or rendered, only scanned for tags.
/// </summary>
public static partial class OpenGraph
{
    /// <summary>Longest value kept per property: previews are a line or two, not a copy of the page.</summary>
    public const int MaxValueLength = 1000;

    public static Dictionary<string, string> Parse(string html)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        string? description = null;
        foreach (Match tag in MetaTag().Matches(html))
        {
            var attributes = Attributes(tag.Value);
            var content = attributes.GetValueOrDefault("content");
            if (content is null) continue;
            if (attributes.GetValueOrDefault("property") is { } property && property.StartsWith("og:", StringComparison.Ordinal))
                properties.TryAdd(property, Clip(content));
            else if (attributes.GetValueOrDefault("name") is { } name && name.Equals("description", StringComparison.OrdinalIgnoreCase))
                description ??= Clip(content);
        }
        if (!properties.ContainsKey("og:title") && TitleTag().Match(html) is { Success: true } title && Clip(title.Groups[1].Value).Trim() is { Length: > 0 } text)
            properties["og:title"] = text;
        if (!properties.ContainsKey("og:description") && description is not null) properties["og:description"] = description;
        return properties;
    }

    private static Dictionary<string, string> Attributes(string tag)
    {
        var attributes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match attribute in Attribute().Matches(tag))
        {
            var value = attribute.Groups[2].Success ? attribute.Groups[2].Value : attribute.Groups[3].Value;
            attributes.TryAdd(attribute.Groups[1].Value, WebUtility.HtmlDecode(value));
        }
        return attributes;
    }

    private static string Clip(string value)
    {
        value = WebUtility.HtmlDecode(value);
        return value.Length <= MaxValueLength ? value : value[..MaxValueLength];
    }

    [GeneratedRegex(@"<meta\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex MetaTag();

    [GeneratedRegex(@"([a-zA-Z:_-]+)\s*=\s*(?:""([^""]*)""|'([^']*)')")]
    private static partial Regex Attribute();

    [GeneratedRegex(@"<title[^>]*>(.*?)</title>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex TitleTag();
}
