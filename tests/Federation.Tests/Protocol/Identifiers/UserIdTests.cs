using Messenger.Federation.Protocol.Identifiers;
using Xunit;

namespace Messenger.Federation.Tests.Protocol.Identifiers;

/// <summary>Appendix "User Identifiers" and "Historical User IDs".</summary>
public class UserIdTests
{
    [Theory]
    [InlineData("@alice:example.com", "alice", "example.com")]
    [InlineData("@a.b_c=d-e/f+g:example.com:8448", "a.b_c=d-e/f+g", "example.com:8448")]
    [InlineData("@0:[::1]", "0", "[::1]")]
    public void Compliant_ids_parse_into_parts(string text, string localpart, string server)
    {
        Assert.True(UserId.TryParseCompliant(text, out var id));
        Assert.Equal(localpart, id.Localpart);
        Assert.Equal(server, id.ServerName.Value);
        Assert.True(id.IsCompliant);
    }

    [Theory]
    [InlineData("@Alice:example.com")]
    [InlineData("@al ice:example.com")]
    [InlineData("@alice!:example.com")]
    [InlineData("@:example.com")]
    [InlineData("@élise:example.com")]
    [InlineData("@a*b:example.com")]
    public void Historical_ids_are_accepted_from_events_but_are_not_compliant(string text)
    {
        Assert.True(UserId.TryParse(text, out var id));
        Assert.False(id.IsCompliant);
        Assert.False(UserId.TryParseCompliant(text, out _));
    }

    [Theory]
    [InlineData("alice:example.com")]
    [InlineData("@alice")]
    [InlineData("@alice:")]
    [InlineData("@alice:exa_mple.com")]
    [InlineData("@al\0ice:example.com")]
    [InlineData("#alice:example.com")]
    public void Malformed_ids_are_refused_even_as_historical(string text)
    {
        Assert.False(UserId.TryParse(text, out _));
    }

    [Fact]
    public void Lone_surrogate_is_not_a_code_point_so_never_a_localpart()
    {
        Assert.False(UserId.TryParse("@al\ud800ice:example.com", out _));
        Assert.True(UserId.TryParse("@al\ud83d\ude00ice:example.com", out _));
    }

    [Fact]
    public void User_id_is_at_most_255_bytes_including_sigil_and_domain()
    {
        var server = "example.com";
        var fits = "@" + new string('a', 255 - 1 - 1 - server.Length) + ":" + server;
        Assert.Equal(255, fits.Length);

        Assert.True(UserId.TryParseCompliant(fits, out _));
        Assert.False(UserId.TryParse("@a" + fits[1..], out _));
        // Bytes, not characters: 2-byte characters count twice.
        Assert.False(UserId.TryParse("@" + new string('é', 125) + ":" + server, out _));
    }

    [Theory]
    [InlineData("alice", true)]
    [InlineData("bob.smith_=-/+9", true)]
    [InlineData("", false)]
    [InlineData("Alice", false)]
    [InlineData("a:b", false)]
    public void New_localparts_follow_the_strict_grammar(string localpart, bool valid)
    {
        Assert.Equal(valid, UserId.IsValidLocalpart(localpart));
    }
}
