using Messenger.Federation.Protocol.Identifiers;
using Messenger.Federation.Protocol.RoomVersions;
using Xunit;

namespace Messenger.Federation.Tests.Protocol.Identifiers;

/// <summary>Appendix "Room IDs", "Room Aliases", "Event IDs", and the event id formats of the room versions.</summary>
public class RoomAndEventIdTests
{
    private const string UrlSafeHash = "Nhcu5BS-UMnFX7hBVfVSoXiD7OgH6iRT-xyIuqDnpYQ";
    private const string StandardHash = "CD66HAED5npg6074c6pDtLKalHjVfYb2q4Q3LZgrW6o";

    [Theory]
    [InlineData("!abc123:matrix.org", "1", true)]
    [InlineData("!abc123:matrix.org", "11", true)]
    [InlineData("!abc123:matrix.org", "12", false)]
    [InlineData("!" + UrlSafeHash, "12", true)]
    [InlineData("!" + UrlSafeHash, "11", false)]
    [InlineData("!" + StandardHash + "+", "12", false)]
    [InlineData("!short", "12", false)]
    [InlineData("!a:b:c", "10", false)]
    [InlineData("abc:matrix.org", "1", false)]
    [InlineData("!a\0:matrix.org", "1", false)]
    public void Room_id_form_depends_on_the_room_version(string text, string version, bool valid)
    {
        Assert.Equal(valid, RoomId.TryParse(text, RoomVersions.Find(version)!, out _));
    }

    [Fact]
    public void Version_12_room_id_is_the_create_event_id_with_a_bang()
    {
        var id = RoomId.FromCreateEventId("$" + UrlSafeHash);

        Assert.Equal("!" + UrlSafeHash, id.Value);
        Assert.Null(id.ServerName);
        Assert.True(id.IsValidFor(RoomVersions.V12));
    }

    [Theory]
    [InlineData("$a4ecee13e2accdadf56c1025:example.com", "1", true)]
    [InlineData("$a4ecee13e2accdadf56c1025:example.com", "2", true)]
    [InlineData("$a4ecee13e2accdadf56c1025", "1", false)]
    [InlineData("$a4ecee13e2accdadf56c1025:exa_mple", "1", false)]
    [InlineData("$" + StandardHash, "3", true)]
    [InlineData("$" + StandardHash, "1", false)]
    [InlineData("$abc/def+ghijklmnopqrstuvwxyzABCDEFGHIJKLMNO", "3", true)]
    [InlineData("$abc/def+ghijklmnopqrstuvwxyzABCDEFGHIJKLMNO", "4", false)]
    [InlineData("$abc_def-ghijklmnopqrstuvwxyzABCDEFGHIJKLMNO", "3", false)]
    [InlineData("$" + UrlSafeHash, "4", true)]
    [InlineData("$" + UrlSafeHash, "12", true)]
    [InlineData("$" + UrlSafeHash + "A", "12", false)]
    [InlineData("$" + UrlSafeHash + ":example.com", "10", false)]
    [InlineData(UrlSafeHash, "10", false)]
    public void Event_id_form_depends_on_the_room_version(string text, string version, bool valid)
    {
        Assert.Equal(valid, EventId.IsValid(text, RoomVersions.Find(version)!));
    }

    [Fact]
    public void Event_id_of_version_1_is_at_most_255_bytes()
    {
        var id = "$" + new string('x', 200) + ":" + new string('e', 54);
        Assert.Equal(256, id.Length);

        Assert.False(EventId.IsValid(id, RoomVersions.V1));
        Assert.True(EventId.IsValid(id[..^1], RoomVersions.V1));
    }

    [Theory]
    [InlineData("#room:example.com", true)]
    [InlineData("#Комната 1:example.com", true)]
    [InlineData("#:example.com", true)]
    [InlineData("room:example.com", false)]
    [InlineData("#room", false)]
    [InlineData("#ro\0om:example.com", false)]
    [InlineData("#room:exa mple.com", false)]
    public void Room_alias_allows_any_code_point_but_colon_and_nul(string text, bool valid)
    {
        Assert.Equal(valid, RoomAlias.TryParse(text, out _));
    }
}
