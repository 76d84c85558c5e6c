using System.Text;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// Turns what a user typed into an SQLite FTS5 query: words (letters and digits of any script) only, so no FTS5 syntax
/// can be injected; each word a prefix term, all required. Cyrillic words first lose a common inflectional ending
/// (a light stemmer: FTS5 has none for Russian), so «новости» finds «новость» and «новостями».
/// </summary>
public static class SearchTerms
{
    /// <summary>Russian endings, longest first; one is trimmed when at least three letters stay.</summary>
    private static readonly string[] RussianEndings =
    [
        "иями", "ями", "ами", "ого", "его", "ому", "ему", "ыми", "ими", "ией", "иях", "ие", "ия", "ий", "ый", "ой", "ая",
        "яя", "ое", "ее", "ые", "ов", "ев", "ей", "ам", "ям", "ах", "ях", "ом", "ем", "ую", "юю", "а", "я", "о", "е", "ы",
        "и", "у", "ю", "ь", "й",
    ];

    /// <summary>The words of a search term, lower-cased.</summary>
    public static List<string> Words(string term)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var c in term)
        {
            if (char.IsLetterOrDigit(c)) current.Append(char.ToLowerInvariant(c));
            else Flush();
        }
        Flush();
        return words;

        void Flush()
        {
            if (current.Length > 0) words.Add(current.ToString());
            current.Clear();
        }
    }

    /// <summary>Trims one Russian ending from a Cyrillic word (others are returned unchanged).</summary>
    public static string Stem(string word)
    {
        if (!word.Any(c => c is >= 'а' and <= 'я' or 'ё')) return word;
        foreach (var ending in RussianEndings)
        {
            if (word.Length - ending.Length >= 3 && word.EndsWith(ending, StringComparison.Ordinal)) return word[..^ending.Length];
        }
        return word;
    }

    /// <summary>The FTS5 query: <c>"word"*</c> for each word, space-separated (implicit AND); empty when there are no words.</summary>
    public static string ToFts5Query(string term) =>
        string.Join(' ', Words(term).Select(w => "\"" + Stem(w) + "\"*"));
}
