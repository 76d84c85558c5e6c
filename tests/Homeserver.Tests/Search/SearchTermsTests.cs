using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.Tests.Search;

/// <summary>How typed search terms become SQLite FTS5 queries: words only, Russian endings trimmed, prefix terms.</summary>
public sealed class SearchTermsTests
{
    [Theory]
    [InlineData("martians and men", "\"martians\"* \"and\"* \"men\"*")]
    [InlineData("  Hello, WORLD!  ", "\"hello\"* \"world\"*")]
    [InlineData("\"*) OR (: NEAR", "\"or\"* \"near\"*")]
    [InlineData("***", "")]
    [InlineData("", "")]
    [InlineData("новости", "\"новост\"*")]
    [InlineData("НОВОСТЯМИ", "\"новост\"*")]
    [InlineData("новость", "\"новост\"*")]
    [InlineData("город", "\"город\"*")]
    [InlineData("чат 2024", "\"чат\"* \"2024\"*")]
    public void Terms_become_quoted_prefix_words(string term, string expected) =>
        Assert.Equal(expected, SearchTerms.ToFts5Query(term));

    [Theory]
    [InlineData("красивыми", "красив")]
    [InlineData("машина", "машин")]
    [InlineData("дом", "дом")]
    [InlineData("ёлками", "ёлк")]
    [InlineData("running", "running")]
    public void Stem_trims_one_russian_ending_keeping_three_letters(string word, string stem) =>
        Assert.Equal(stem, SearchTerms.Stem(word));
}
