namespace Messenger.Federation.Protocol.Json;

/// <summary>
/// Orders strings by Unicode code point, as Canonical JSON sorts keys. Plain ordinal (UTF-16) order differs when a
/// supplementary character (a surrogate pair, 0xD800–0xDFFF) meets a character in 0xE000–0xFFFF: ordinal puts the
/// pair first, code point order puts it last. Shifting those two ranges fixes it without decoding.
/// </summary>
internal sealed class CodePointComparer : IComparer<string>
{
    public static readonly CodePointComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        var length = Math.Min(x.Length, y.Length);
        var mismatch = x.AsSpan(0, length).CommonPrefixLength(y.AsSpan(0, length));
        if (mismatch == length) return x.Length.CompareTo(y.Length);
        return Fix(x[mismatch]).CompareTo(Fix(y[mismatch]));
    }

    private static int Fix(char c) => c switch
    {
        >= '\uE000' => c - 0x800,
        >= '\uD800' => c + 0x2000,
        _ => c,
    };
}
