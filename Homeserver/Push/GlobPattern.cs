using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace Messenger.Homeserver.Push;

/// <summary>
/// Glob-style matching (appendix "Glob-style matching": <c>*</c> any run of characters, <c>?</c> exactly one),
/// case-insensitive as push rules ask. Patterns come from users, so they compile to non-backtracking regular
/// expressions (linear time whatever the pattern), cached since the same few patterns meet every event.
/// </summary>
public static class GlobPattern
{
    private const int MaxCached = 4096;
    private static readonly ConcurrentDictionary<(string Pattern, Mode Mode), Regex> Cache = new();

    private enum Mode
    {
        Whole,
        Words,
        LiteralWords,
    }

    /// <summary>The whole of <paramref name="value"/> matches <paramref name="pattern"/>.</summary>
    public static bool Matches(string pattern, string value) =>
        IsAsciiLiteral(pattern) && Ascii.IsValid(value)
            ? string.Equals(pattern, value, StringComparison.OrdinalIgnoreCase) // what the regex would say, without running it
            : Compile(pattern, Mode.Whole).IsMatch(value);

    private static bool IsAsciiLiteral(string pattern) => pattern.AsSpan().IndexOfAny('*', '?') < 0 && Ascii.IsValid(pattern);

    /// <summary>
    /// Some substring of <paramref name="value"/> that starts and ends at a word boundary matches (the rule for
    /// <c>content.body</c>): a boundary is the start or end of the value or any character outside <c>[A-Za-z0-9_]</c>.
    /// </summary>
    public static bool MatchesWords(string pattern, string value) => Compile(pattern, Mode.Words).IsMatch(value);

    /// <summary>As <see cref="MatchesWords"/> for a literal text (no wildcards): <c>contains_display_name</c>.</summary>
    public static bool ContainsWords(string literal, string value) => Compile(literal, Mode.LiteralWords).IsMatch(value);

    private static Regex Compile(string pattern, Mode mode)
    {
        if (Cache.TryGetValue((pattern, mode), out var cached)) return cached;
        var body = new StringBuilder();
        foreach (var c in pattern)
        {
            body.Append(c switch
            {
                '*' when mode != Mode.LiteralWords => ".*",
                '?' when mode != Mode.LiteralWords => ".",
                _ => Regex.Escape(c.ToString()),
            });
        }
        var source = mode != Mode.Whole
            ? $"(?:^|[^A-Za-z0-9_])(?:{body})(?:[^A-Za-z0-9_]|$)"
            : $"^(?:{body})$";
        var regex = new Regex(source, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline | RegexOptions.NonBacktracking);
        if (Cache.Count >= MaxCached) Cache.Clear();
        Cache[(pattern, mode)] = regex;
        return regex;
    }
}
