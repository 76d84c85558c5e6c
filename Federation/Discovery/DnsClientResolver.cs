using System.Net;
using System.Net.Sockets;
using DnsClient;

namespace Messenger.Federation.Discovery;

/// <summary>DNS through the system's name servers: SRV via DnsClient (it caches by TTL), addresses via the OS resolver.</summary>
public sealed class DnsClientResolver : IDnsResolver
{
    private readonly LookupClient lookup = new(new LookupClientOptions { UseCache = true, Timeout = TimeSpan.FromSeconds(5), Retries = 1 });

    public async Task<IReadOnlyList<SrvTarget>> ResolveSrvAsync(string name, CancellationToken ct)
    {
        try
        {
            var answer = await lookup.QueryAsync(name, QueryType.SRV, cancellationToken: ct);
            return answer.Answers.SrvRecords()
                .Select(r => new SrvTarget(r.Target.Value.TrimEnd('.'), r.Port, r.Priority, r.Weight)).ToList();
        }
        catch (DnsResponseException)
        {
            return [];
        }
    }

    public async Task<IReadOnlyList<IPAddress>> ResolveAddressesAsync(string host, CancellationToken ct)
    {
        try
        {
            return await Dns.GetHostAddressesAsync(host, ct);
        }
        catch (SocketException)
        {
            return [];
        }
    }
}
