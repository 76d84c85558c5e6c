using Messenger.Federation.XMatrix;

namespace Messenger.Federation.Tests.XMatrix;

/// <summary>
/// Parsing <c>Authorization: X-Matrix</c> (server-server API, "Request Authentication"; RFC 9110 §11.4): names are
/// case-insensitive and unordered, values quoted or tokens, quoted values unescaped, whitespace allowed around
/// commas, unquoted colons accepted for older servers, unknown parameters ignored.
/// </summary>
public sealed class XMatrixHeaderTests
{
    [Fact]
    public void The_spec_example_parses()
    {
        Assert.True(XMatrixHeader.TryParse(
            "X-Matrix origin=\"origin.hs.example.com\",destination=\"destination.hs.example.com\",key=\"ed25519:key1\",sig=\"ABCDEF...\"", out var h));
        Assert.Equal(new XMatrixHeader("origin.hs.example.com", "destination.hs.example.com", "ed25519:key1", "ABCDEF..."), h);
    }

    [Theory]
    [InlineData("X-Matrix origin=a.example,key=\"ed25519:k\",sig=\"s\"")]                       // token value
    [InlineData("X-Matrix origin=a.example:8448,key=ed25519:k,sig=s")]                         // unquoted colons (older servers)
    [InlineData("X-Matrix   ORIGIN=\"a.example\" , Key=\"ed25519:k\"\t,\tSIG=\"s\"")]          // spaces, tabs, case
    [InlineData("X-Matrix sig=\"s\",key=\"ed25519:k\",origin=\"a.example\"")]                    // any order
    [InlineData("x-matrix origin=\"a.example\",key=\"ed25519:k\",sig=\"s\"")]                    // scheme is case-insensitive
    [InlineData("X-Matrix origin=\"a.example\",key=\"ed25519:k\",sig=\"s\",future=\"x\"")]      // unknown parameter ignored
    public void Variants_the_spec_allows_parse(string value)
    {
        Assert.True(XMatrixHeader.TryParse(value, out var h));
        Assert.StartsWith("a.example", h.Origin);
        Assert.Equal("ed25519:k", h.Key);
        Assert.Equal("s", h.Signature);
    }

    [Fact]
    public void Destination_is_optional_on_receipt()
    {
        Assert.True(XMatrixHeader.TryParse("X-Matrix origin=\"a.example\",key=\"ed25519:k\",sig=\"s\"", out var h));
        Assert.Null(h.Destination);
    }

    [Fact]
    public void Backslash_escapes_in_quoted_values_are_unescaped()
    {
        Assert.True(XMatrixHeader.TryParse("X-Matrix origin=\"a\\.example\",key=\"ed25519:\\k\",sig=\"s\\\"q\"", out var h));
        Assert.Equal("a.example", h.Origin);
        Assert.Equal("ed25519:k", h.Key);
        Assert.Equal("s\"q", h.Signature);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer abc")]
    [InlineData("X-Matrix")]
    [InlineData("X-Matrixorigin=\"a\",key=\"k\",sig=\"s\"")]                    // no space after the scheme
    [InlineData("X-Matrix key=\"ed25519:k\",sig=\"s\"")]                         // no origin
    [InlineData("X-Matrix origin=\"a\",sig=\"s\"")]                               // no key
    [InlineData("X-Matrix origin=\"a\",key=\"ed25519:k\"")]                       // no sig
    [InlineData("X-Matrix origin=\"a\",key=\"ed25519:k\",sig=\"s")]               // unterminated quote
    [InlineData("X-Matrix origin=\"a\",origin=\"b\",key=\"ed25519:k\",sig=\"s\"")] // repeated parameter
    [InlineData("X-Matrix origin=\"a\" key=\"ed25519:k\",sig=\"s\"")]             // missing comma
    [InlineData("X-Matrix origin=a/b,key=\"ed25519:k\",sig=\"s\"")]               // '/' needs quotes
    [InlineData("X-Matrix origin=\"\",key=\"ed25519:k\",sig=\"s\"")]              // empty origin
    public void Malformed_headers_are_refused(string? value) => Assert.False(XMatrixHeader.TryParse(value, out _));

    [Fact]
    public void Sent_form_is_what_older_servers_expect_and_parses_back()
    {
        var header = new XMatrixHeader("a.example:8448", "b.example", "ed25519:k1", "c2ln+/");
        Assert.Equal("X-Matrix origin=\"a.example:8448\",destination=\"b.example\",key=\"ed25519:k1\",sig=\"c2ln+/\"", header.ToString());
        Assert.True(XMatrixHeader.TryParse(header.ToString(), out var back));
        Assert.Equal(header, back);
    }
}
