using System.Net;

namespace Messenger.Federation.Discovery;

/// <summary>
/// The DNS lookups server discovery needs. Production uses <see cref="DnsClientResolver"/>; tests inject a fake
/// through DI so that discovery runs unchanged against names of their choosing.
/// </summary>
public interface IDnsResolver
{
    /// <summary>SRV records of <paramref name="name"/> (e.g. <c>_matrix-fed._tcp.example.org</c>); empty when there are none.</summary>
    Task<IReadOnlyList<SrvTarget>> ResolveSrvAsync(string name, CancellationToken ct);

    /// <summary>AAAA and A addresses of <paramref name="host"/> (CNAMEs followed); empty when it does not resolve.</summary>
    Task<IReadOnlyList<IPAddress>> ResolveAddressesAsync(string host, CancellationToken ct);
}

/// <summary>One SRV answer (RFC 2782).</summary>
public sealed record SrvTarget(string Target, int Port, int Priority, int Weight);
