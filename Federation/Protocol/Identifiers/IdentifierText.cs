namespace Messenger.Federation.Protocol.Identifiers;

/// <summary>Character rules shared by the identifier grammars of the spec's appendix ("Identifier Grammar").</summary>
internal static class IdentifierText
{
    /// <summary>The appendix caps user ids, room ids, aliases and event ids at 255 bytes, sigil and domain included.</summary>
    public const int MaxIdentifierBytes = 255;

    /// <summary>True when the UTF-8 form is at most 255 bytes (a UTF-16 unit never encodes to fewer than one byte).</summary>
    public static bool FitsLimit(string text) =>
        text.Length <= MaxIdentifierBytes && System.Text.Encoding.UTF8.GetByteCount(text) <= MaxIdentifierBytes;

    /// <summary>
    /// An opaque localpart (historical user ids, room ids, aliases): any non-surrogate code point except <c>:</c> and NUL.
    /// Lone UTF-16 surrogates are not code points, so they are refused too.
    /// </summary>
    public static bool IsOpaqueLocalpart(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is ':' or '\0') return false;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1])) return false;
                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The user id localpart grammar since v1.8: <c>1*( DIGIT / a-z / "-" / "." / "=" / "_" / "/" / "+" )</c>.</summary>
    public static bool IsCompliantUserLocalpart(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty) return false;
        foreach (var c in text)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.' or '=' or '_' or '/' or '+')) return false;
        }
        return true;
    }

    /// <summary>Unpadded base64 of a SHA-256 (43 characters) in the standard or URL-safe alphabet.</summary>
    public static bool IsHashBase64(ReadOnlySpan<char> text, bool urlSafe)
    {
        if (text.Length != 43) return false;
        foreach (var c in text)
        {
            var ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
                || (urlSafe ? c is '-' or '_' : c is '+' or '/');
            if (!ok) return false;
        }
        return true;
    }
}
