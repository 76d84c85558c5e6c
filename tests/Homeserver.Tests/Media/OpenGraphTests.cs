using Messenger.Homeserver.Media;

namespace Messenger.Homeserver.Tests.Media;

/// <summary>Open Graph scanning of HTML for URL previews: properties, fallbacks, decoding, clipping.</summary>
public sealed class OpenGraphTests
{
    [Fact]
    public void Og_properties_are_read_in_either_quote_style_and_html_decoded()
    {
        var og = OpenGraph.Parse("""<meta property="og:title" content="A &amp; B"><META content='x &lt;y&gt;' property='og:description'/>""");

        Assert.Equal("A & B", og["og:title"]);
        Assert.Equal("x <y>", og["og:description"]);
    }

    [Fact]
    public void Title_and_description_fall_back_to_the_title_tag_and_meta_description()
    {
        var og = OpenGraph.Parse("<title>\n  Page  </title><meta name=\"Description\" content=\"About\">");

        Assert.Equal("Page", og["og:title"]);
        Assert.Equal("About", og["og:description"]);
    }

    [Fact]
    public void The_first_value_wins_other_meta_is_ignored_and_longValuevalues_are_clipped()
    {
        var longValue = new string('x', 5000);
        var og = OpenGraph.Parse($"""
            <meta property="og:title" content="first"><meta property="og:title" content="second">
            <meta name="twitter:card" content="summary"><meta property="og:site_name" content="{longValue}">
            """);

        Assert.Equal("first", og["og:title"]);
        Assert.False(og.ContainsKey("twitter:card"));
        Assert.Equal(OpenGraph.MaxValueLength, og["og:site_name"].Length);
    }

    [Fact]
    public void A_page_without_metadata_has_none() => Assert.Empty(OpenGraph.Parse("<html><body>nothing</body></html>"));
}
