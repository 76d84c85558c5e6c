using System.Text.Json.Nodes;
using Messenger.Homeserver.FederationApi;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>"Server Access Control Lists (ACLs)": deny wins over allow, unlisted servers are denied, ports are ignored, IP literals only when allowed.</summary>
public sealed class ServerAclTests
{
    private static JsonObject Acl(string[] allow, string[]? deny = null, bool? ipLiterals = null)
    {
        var acl = new JsonObject { ["allow"] = new JsonArray([.. allow.Select(a => (JsonNode)a)]) };
        if (deny is not null) acl["deny"] = new JsonArray([.. deny.Select(d => (JsonNode)d)]);
        if (ipLiterals is not null) acl["allow_ip_literals"] = ipLiterals.Value;
        return acl;
    }

    [Theory]
    [InlineData("good.example", true)]
    [InlineData("good.example:8448", true)]
    [InlineData("sub.good.example", false)]
    [InlineData("evil.example", false)]
    [InlineData("other.test", false)]
    public void Listed_servers_are_allowed_and_others_denied(string server, bool allowed) =>
        Assert.Equal(allowed, ServerAcl.Allows(Acl(["good.example", "*.evil.example", "evil.example"], ["*evil.example"]), server));

    [Theory]
    [InlineData("a.example", true)]
    [InlineData("ab.example", false)]
    [InlineData("A.EXAMPLE", true)]
    public void Globs_match_one_character_with_a_question_mark_and_ignore_case(string server, bool allowed) =>
        Assert.Equal(allowed, ServerAcl.Allows(Acl(["?.example"]), server));

    [Fact]
    public void Ip_literals_are_denied_when_the_acl_says_so()
    {
        Assert.False(ServerAcl.Allows(Acl(["*"], ipLiterals: false), "192.0.2.1:8448"));
        Assert.False(ServerAcl.Allows(Acl(["*"], ipLiterals: false), "[2001:db8::1]"));
        Assert.True(ServerAcl.Allows(Acl(["*"]), "192.0.2.1"));
    }

    [Fact]
    public void Without_an_allow_list_every_server_is_denied_and_without_an_acl_every_server_allowed()
    {
        Assert.False(ServerAcl.Allows(new JsonObject(), "any.example"));
        Assert.True(ServerAcl.Allows(null, "any.example"));
    }
}
