using Messenger.Federation.Protocol.Identifiers;
using Xunit;

namespace Messenger.Federation.Tests.Protocol.Identifiers;

/// <summary>Appendix "Server Name": <c>hostname [ ":" port ]</c>.</summary>
public class ServerNameTests
{
    [Theory]
    [InlineData("matrix.org", "matrix.org", null)]
    [InlineData("matrix.org:8888", "matrix.org", 8888)]
    [InlineData("1.2.3.4", "1.2.3.4", null)]
    [InlineData("1.2.3.4:1234", "1.2.3.4", 1234)]
    [InlineData("[1234:5678::abcd]", "[1234:5678::abcd]", null)]
    [InlineData("[1234:5678::abcd]:5678", "[1234:5678::abcd]", 5678)]
    [InlineData("localhost", "localhost", null)]
    [InlineData("MATRIX.ORG", "MATRIX.ORG", null)]
    [InlineData("my-host.example-1.com:1", "my-host.example-1.com", 1)]
    [InlineData("[::1]:8448", "[::1]", 8448)]
    [InlineData("[::ffff:1.2.3.4]", "[::ffff:1.2.3.4]", null)]
    [InlineData("example.com:65535", "example.com", 65535)]
    public void Spec_forms_are_accepted(string text, string host, int? port)
    {
        Assert.True(ServerName.TryParse(text, out var name));
        Assert.Equal(text, name.Value);
        Assert.Equal(host, name.Host);
        Assert.Equal(port, name.Port);
    }

    [Theory]
    [InlineData("")]
    [InlineData(":8448")]
    [InlineData("example.com:")]
    [InlineData("example.com:123456")]
    [InlineData("example.com:65536")]
    [InlineData("example.com:80a")]
    [InlineData("exa_mple.com")]
    [InlineData("exämple.com")]
    [InlineData("example..com")]
    [InlineData(".example.com")]
    [InlineData("example.com.")]
    [InlineData("a:b:c")]
    [InlineData("1.2.3.256")]
    [InlineData("[1234:5678::abcd")]
    [InlineData("[1234:5678::abcd]x")]
    [InlineData("[1234:5678::abcd]:")]
    [InlineData("[]")]
    [InlineData("[fe80::1%eth0]")]
    [InlineData("[1:2:3:4:5:6:7:8:9]")]
    [InlineData("[g::1]")]
    [InlineData("1234:5678::abcd")]
    [InlineData("example.com/path")]
    [InlineData("example com")]
    public void Malformed_names_are_refused(string text)
    {
        Assert.False(ServerName.TryParse(text, out _));
    }

    [Fact]
    public void Dns_name_is_limited_to_255_characters()
    {
        var label = new string('a', 63);
        var name255 = string.Join('.', label, label, label, label[..^3] + "abc");
        Assert.Equal(255, name255.Length);

        Assert.True(ServerName.IsValid(name255));
        Assert.False(ServerName.IsValid(name255 + "a"));
    }
}
