using Messenger.Homeserver.Media;

namespace Messenger.Homeserver.Tests.Media;

/// <summary>"Serving inline content": <c>inline</c> only for the spec's list of types; file names that survive the header.</summary>
public sealed class SafeServingTests
{
    [Theory]
    [InlineData("image/png", null, "inline")]
    [InlineData("IMAGE/PNG; charset=binary", "a.png", "inline; filename=\"a.png\"")]
    [InlineData("text/html", "page.html", "attachment; filename=\"page.html\"")]
    [InlineData("image/svg+xml", "x.svg", "attachment; filename=\"x.svg\"")]
    [InlineData("application/pdf", "say \"hi\".pdf", "attachment; filename*=utf-8''say%20%22hi%22.pdf")]
    public void Only_the_spec_list_of_types_is_inline(string contentType, string? fileName, string expected) =>
        Assert.Equal(expected, SafeServing.ContentDisposition(SafeServing.IsInlineSafe(contentType), fileName));
}
