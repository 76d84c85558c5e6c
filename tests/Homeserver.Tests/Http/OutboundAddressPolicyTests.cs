using System.Net;
using Messenger.Federation.Net;
using Messenger.Homeserver.Tests.Support;

namespace Messenger.Homeserver.Tests.Http;

/// <summary>Outbound requests to user-given addresses never reach internal addresses unless configured.</summary>
public sealed class OutboundAddressPolicyTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    private static OutboundAddressPolicy Policy(params string[] allowed) =>
        new(allowed);

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("172.20.0.1")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("::1")]
    [InlineData("fd00::1")]
    [InlineData("fe80::1")]
    [InlineData("::ffff:127.0.0.1")]
    public void Internal_addresses_are_refused_by_default(string address) => Assert.False(Policy().IsAllowed(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("172.32.0.1")]
    public void Public_addresses_are_allowed(string address) => Assert.True(Policy().IsAllowed(IPAddress.Parse(address)));

    [Fact]
    public void Configured_ranges_are_allowed() => Assert.True(Policy("10.1.0.0/16").IsAllowed(IPAddress.Parse("10.1.2.3")));

    [Fact]
    public async Task A_request_to_a_loopback_server_fails_to_connect_unless_allowed()
    {
        var target = server.Client.BaseAddress!;
        using (var refused = new HttpClient(Policy().CreateHandler()))
        {
            var error = await Assert.ThrowsAsync<HttpRequestException>(() => refused.GetAsync(new Uri(target, "/_matrix/client/versions")));
            Assert.Contains("internal address", error.Message + error.InnerException?.Message);
        }
        using var allowed = new HttpClient(Policy("127.0.0.0/8").CreateHandler());
        (await allowed.GetAsync(new Uri(target, "/_matrix/client/versions"))).EnsureSuccessStatusCode();
    }
}
