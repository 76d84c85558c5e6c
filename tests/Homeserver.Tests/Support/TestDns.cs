using System.Collections.Concurrent;
using System.Net;
using Messenger.Federation.Discovery;

namespace Messenger.Homeserver.Tests.Support;

/// <summary>
/// DNS for federating test servers, injected through DI in place of the system resolver: every registered name
/// resolves to 127.0.0.1 and has a <c>_matrix-fed._tcp</c> SRV record pointing at its federation port, so server
/// discovery runs its real steps (a <c>.well-known</c> attempt, then SRV) against names the test chose.
/// </summary>
public sealed class TestDns : IDnsResolver
{
    private readonly ConcurrentDictionary<string, int> ports = new(StringComparer.OrdinalIgnoreCase);

    public void Register(string hostname, int federationPort) => ports[hostname] = federationPort;

    public Task<IReadOnlyList<SrvTarget>> ResolveSrvAsync(string name, CancellationToken ct)
    {
        const string prefix = "_matrix-fed._tcp.";
        IReadOnlyList<SrvTarget> records = name.StartsWith(prefix, StringComparison.Ordinal) && ports.TryGetValue(name[prefix.Length..], out var port)
            ? [new SrvTarget(name[prefix.Length..], port, 10, 0)]
            : [];
        return Task.FromResult(records);
    }

    public Task<IReadOnlyList<IPAddress>> ResolveAddressesAsync(string host, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<IPAddress>>(ports.ContainsKey(host) ? [IPAddress.Loopback] : []);
}
