using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Messenger.Federation.XMatrix;

/// <summary>
/// The <c>Authorization: X-Matrix ...</c> header of a federation request (server-server API, "Request Authentication"):
/// the scheme, one or more spaces, then comma-separated <c>name=value</c> parameters (RFC 9110 §11.4). Names are
/// case-insensitive and unordered; values are tokens or quoted strings with backslash escapes, and for older
/// servers an unquoted value may contain colons. Unknown parameters are ignored. <c>destination</c> is optional
/// on receipt (servers before v1.3 omit it) but always sent.
/// </summary>
public sealed record XMatrixHeader(string Origin, string? Destination, string Key, string Signature)
{
    public const string Scheme = "X-Matrix";

    /// <summary>
    /// The header value as the spec asks senders to write it for older servers: one space after the scheme,
    /// lower-case names, every value quoted, no whitespace around commas. Server names, key ids and base64 never
    /// need escapes.
    /// </summary>
    public override string ToString() =>
        $"{Scheme} origin={Quote(Origin)},destination={Quote(Destination ?? "")},key={Quote(Key)},sig={Quote(Signature)}";

    /// <summary>Parses a header value; false when it is not X-Matrix, is malformed, or lacks origin, key or sig.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out XMatrixHeader? header)
    {
        header = null;
        if (value is null || value.Length <= Scheme.Length
            || !value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || value[Scheme.Length] != ' ')
            return false;

        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = Scheme.Length;
        while (i < value.Length && value[i] == ' ') i++;
        while (true)
        {
            var nameStart = i;
            while (i < value.Length && IsTokenChar(value[i])) i++;
            if (i == nameStart) return false;
            var name = value[nameStart..i];
            SkipWhitespace(value, ref i);
            if (i >= value.Length || value[i] != '=') return false;
            i++;
            SkipWhitespace(value, ref i);
            if (!TryReadValue(value, ref i, out var parameterValue)) return false;
            // A repeated parameter makes the header ambiguous: which origin or signature was meant?
            if (!parameters.TryAdd(name, parameterValue)) return false;
            SkipWhitespace(value, ref i);
            if (i == value.Length) break;
            if (value[i] != ',') return false;
            i++;
            SkipWhitespace(value, ref i);
        }

        if (!parameters.TryGetValue("origin", out var origin) || !parameters.TryGetValue("key", out var key)
            || !parameters.TryGetValue("sig", out var sig) || origin.Length == 0 || key.Length == 0 || sig.Length == 0)
            return false;
        parameters.TryGetValue("destination", out var destination);
        header = new XMatrixHeader(origin, destination, key, sig);
        return true;
    }

    private static bool TryReadValue(string text, ref int i, out string value)
    {
        value = "";
        if (i < text.Length && text[i] == '"')
        {
            var builder = new StringBuilder();
            i++;
            while (i < text.Length && text[i] != '"')
            {
                if (text[i] == '\\')
                {
                    if (++i >= text.Length) return false;
                }
                builder.Append(text[i++]);
            }
            if (i >= text.Length) return false;
            i++;
            value = builder.ToString();
            return true;
        }
        var start = i;
        while (i < text.Length && (IsTokenChar(text[i]) || text[i] == ':')) i++;
        if (i == start) return false;
        value = text[start..i];
        return true;
    }

    private static void SkipWhitespace(string text, ref int i)
    {
        while (i < text.Length && text[i] is ' ' or '\t') i++;
    }

    /// <summary>RFC 9110 §5.6.2 <c>tchar</c>.</summary>
    private static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';

    private static string Quote(string value) => '"' + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + '"';
}
