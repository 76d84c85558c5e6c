using System.Net;
using Messenger.Federation.Discovery;

namespace Messenger.Federation.Tests.Discovery;

/// <summary>
/// Server discovery in the order of "Resolving server names": which endpoint is tried and which Host header (and so
/// certificate name and SNI) is sent, for each step, with DNS and <c>.well-known</c> faked.
/// </summary>
public sealed class ServerResolverTests
{
    private sealed class FakeDns : IDnsResolver
    {
        public Dictionary<string, List<SrvTarget>> Srv { get; } = new();
        public List<string> SrvLookups { get; } = [];

        public Task<IReadOnlyList<SrvTarget>> ResolveSrvAsync(string name, CancellationToken ct)
        {
            SrvLookups.Add(name);
            return Task.FromResult<IReadOnlyList<SrvTarget>>(Srv.GetValueOrDefault(name) ?? []);
        }

        public Task<IReadOnlyList<IPAddress>> ResolveAddressesAsync(string host, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<IPAddress>>([IPAddress.Parse("192.0.2.1")]);
    }

    private sealed class FakeWellKnown(Dictionary<string, string> delegations) : IWellKnownResolver
    {
        public List<string> Asked { get; } = [];

        public Task<string?> GetDelegatedServerAsync(string hostname, CancellationToken ct)
        {
            Asked.Add(hostname);
            return Task.FromResult(delegations.GetValueOrDefault(hostname));
        }
    }

    private static async Task<(ResolvedServer Result, FakeDns Dns, FakeWellKnown WellKnown)> Resolve(string serverName,
        Dictionary<string, string>? wellKnown = null, Action<FakeDns>? dns = null)
    {
        var fakeDns = new FakeDns();
        dns?.Invoke(fakeDns);
        var fakeWellKnown = new FakeWellKnown(wellKnown ?? []);
        var result = await new ServerResolver(fakeWellKnown, fakeDns).ResolveAsync(serverName, CancellationToken.None);
        return (result, fakeDns, fakeWellKnown);
    }

    private static void AssertTargets(ResolvedServer result, params (string Host, int Port)[] expected) =>
        Assert.Equal(expected, result.Targets.Select(t => (t.Host, t.Port)));

    [Fact]
    public async Task Step1_ip_literal_without_port_uses_8448_and_asks_nothing()
    {
        var (result, dns, wellKnown) = await Resolve("192.0.2.10");
        AssertTargets(result, ("192.0.2.10", 8448));
        Assert.Equal("192.0.2.10", result.HostHeader);
        Assert.Empty(dns.SrvLookups);
        Assert.Empty(wellKnown.Asked);
    }

    [Fact]
    public async Task Step1_ip_literal_with_port_keeps_the_port_in_the_host_header()
    {
        var (result, _, _) = await Resolve("[2001:db8::1]:8449");
        AssertTargets(result, ("2001:db8::1", 8449));
        Assert.Equal("[2001:db8::1]:8449", result.HostHeader);
        Assert.Equal("2001:db8::1", result.TlsName);
    }

    [Fact]
    public async Task Step2_hostname_with_port_is_resolved_directly_with_the_server_name_as_host()
    {
        var (result, dns, wellKnown) = await Resolve("example.org:1234");
        AssertTargets(result, ("example.org", 1234));
        Assert.Equal("example.org:1234", result.HostHeader);
        Assert.Equal("example.org", result.TlsName);
        Assert.Empty(wellKnown.Asked);
        Assert.Empty(dns.SrvLookups);
    }

    [Fact]
    public async Task Step3_1_delegation_to_an_ip_literal()
    {
        var (result, dns, _) = await Resolve("example.org", new() { ["example.org"] = "192.0.2.7" });
        AssertTargets(result, ("192.0.2.7", 8448));
        Assert.Equal("192.0.2.7", result.HostHeader);
        Assert.Empty(dns.SrvLookups);
    }

    [Fact]
    public async Task Step3_2_delegation_with_port_uses_the_delegated_name_and_port_as_host()
    {
        var (result, dns, _) = await Resolve("example.org", new() { ["example.org"] = "matrix.example.net:443" });
        AssertTargets(result, ("matrix.example.net", 443));
        Assert.Equal("matrix.example.net:443", result.HostHeader);
        Assert.Equal("matrix.example.net", result.TlsName);
        Assert.Empty(dns.SrvLookups);
    }

    [Fact]
    public async Task Step3_3_delegation_without_port_looks_up_matrix_fed_srv_of_the_delegated_name()
    {
        var (result, dns, _) = await Resolve("example.org", new() { ["example.org"] = "matrix.example.net" },
            d => d.Srv["_matrix-fed._tcp.matrix.example.net"] = [new SrvTarget("fed1.example.net", 8450, 10, 0)]);
        AssertTargets(result, ("fed1.example.net", 8450));
        Assert.Equal("matrix.example.net", result.HostHeader);
        Assert.Equal(["_matrix-fed._tcp.matrix.example.net"], dns.SrvLookups);
    }

    [Fact]
    public async Task Step3_4_then_the_deprecated_matrix_srv_of_the_delegated_name()
    {
        var (result, dns, _) = await Resolve("example.org", new() { ["example.org"] = "matrix.example.net" },
            d => d.Srv["_matrix._tcp.matrix.example.net"] = [new SrvTarget("old.example.net", 8451, 10, 0)]);
        AssertTargets(result, ("old.example.net", 8451));
        Assert.Equal("matrix.example.net", result.HostHeader);
        Assert.Equal(["_matrix-fed._tcp.matrix.example.net", "_matrix._tcp.matrix.example.net"], dns.SrvLookups);
    }

    [Fact]
    public async Task Step3_5_then_port_8448_of_the_delegated_name()
    {
        var (result, _, _) = await Resolve("example.org", new() { ["example.org"] = "matrix.example.net" });
        AssertTargets(result, ("matrix.example.net", 8448));
        Assert.Equal("matrix.example.net", result.HostHeader);
    }

    [Fact]
    public async Task Step4_without_delegation_matrix_fed_srv_of_the_hostname_with_the_hostname_as_host()
    {
        var (result, _, wellKnown) = await Resolve("example.org", dns: d =>
        {
            d.Srv["_matrix-fed._tcp.example.org"] = [new SrvTarget("fed.example.org", 8443, 10, 0)];
            d.Srv["_matrix._tcp.example.org"] = [new SrvTarget("wrong.example.org", 1, 0, 0)];
        });
        AssertTargets(result, ("fed.example.org", 8443));
        Assert.Equal("example.org", result.HostHeader);
        Assert.Equal(["example.org"], wellKnown.Asked);
    }

    [Fact]
    public async Task Step5_then_the_deprecated_matrix_srv_of_the_hostname()
    {
        var (result, _, _) = await Resolve("example.org", dns: d => d.Srv["_matrix._tcp.example.org"] = [new SrvTarget("old.example.org", 8009, 10, 0)]);
        AssertTargets(result, ("old.example.org", 8009));
        Assert.Equal("example.org", result.HostHeader);
    }

    [Fact]
    public async Task Step6_then_port_8448_of_the_hostname()
    {
        var (result, dns, _) = await Resolve("example.org");
        AssertTargets(result, ("example.org", 8448));
        Assert.Equal("example.org", result.HostHeader);
        Assert.Equal(["_matrix-fed._tcp.example.org", "_matrix._tcp.example.org"], dns.SrvLookups);
    }

    [Fact]
    public async Task An_invalid_delegated_name_counts_as_no_delegation()
    {
        var (result, _, _) = await Resolve("example.org", new() { ["example.org"] = "not a server name" });
        AssertTargets(result, ("example.org", 8448));
        Assert.Equal("example.org", result.HostHeader);
    }

    [Fact]
    public async Task Srv_records_are_tried_by_priority_then_weight_and_a_dot_target_means_none()
    {
        var (result, _, _) = await Resolve("example.org", dns: d => d.Srv["_matrix-fed._tcp.example.org"] =
        [
            new SrvTarget("c.example.org", 3, 20, 0), new SrvTarget("a.example.org", 1, 10, 5),
            new SrvTarget("b.example.org", 2, 10, 50), new SrvTarget(".", 4, 0, 0),
        ]);
        AssertTargets(result, ("b.example.org", 2), ("a.example.org", 1), ("c.example.org", 3));

        var (none, _, _) = await Resolve("example.org", dns: d => d.Srv["_matrix-fed._tcp.example.org"] = [new SrvTarget(".", 0, 0, 0)]);
        AssertTargets(none, ("example.org", 8448));
    }

    [Fact]
    public async Task An_invalid_server_name_is_refused() =>
        await Assert.ThrowsAsync<ArgumentException>(() => new ServerResolver(new FakeWellKnown([]), new FakeDns()).ResolveAsync("bad name", CancellationToken.None));
}
