using System.Net;
using Messenger.Federation.Protocol.Identifiers;

namespace Messenger.Federation.Discovery;

/// <summary>
/// Server discovery in the spec's order (server-server API, "Resolving server names"):
/// 1. IP literal: that address, given port or 8448, Host = server name.
/// 2. Hostname with explicit port: its addresses at that port, Host = server name.
/// 3. <c>/.well-known/matrix/server</c> delegation to <c>delegated_hostname[:delegated_port]</c>: an IP literal
///    (3.1), an explicit port (3.2), else SRV <c>_matrix-fed._tcp</c> (3.3), deprecated <c>_matrix._tcp</c> (3.4),
///    else port 8448 (3.5); Host = the delegated name (with port when one was given).
/// 4–6. No valid delegation: SRV <c>_matrix-fed._tcp.hostname</c>, then <c>_matrix._tcp.hostname</c>, then port 8448;
///    Host = the hostname.
/// The certificate must match the host part of the Host header in every case, which <see cref="ResolvedServer.TlsName"/> gives.
/// </summary>
public sealed class ServerResolver(IWellKnownResolver wellKnown, IDnsResolver dns)
{
    public const int DefaultPort = 8448;

    public async Task<ResolvedServer> ResolveAsync(string serverName, CancellationToken ct)
    {
        if (!ServerName.TryParse(serverName, out var name)) throw new ArgumentException($"'{serverName}' is not a server name", nameof(serverName));

        if (name.IsIpLiteral) return new ResolvedServer(name.Value, [Endpoint(name.Host, name.Port ?? DefaultPort)]);
        if (name.Port is { } port) return new ResolvedServer(name.Value, [Endpoint(name.Host, port)]);

        var delegated = await wellKnown.GetDelegatedServerAsync(name.Host, ct);
        if (delegated is not null && ServerName.TryParse(delegated, out var target))
        {
            if (target.IsIpLiteral) return new ResolvedServer(target.Value, [Endpoint(target.Host, target.Port ?? DefaultPort)]);
            if (target.Port is { } delegatedPort) return new ResolvedServer(target.Value, [Endpoint(target.Host, delegatedPort)]);
            return await BySrvAsync(target.Host, ct);
        }
        return await BySrvAsync(name.Host, ct);
    }

    private async Task<ResolvedServer> BySrvAsync(string hostname, CancellationToken ct)
    {
        foreach (var service in new[] { "_matrix-fed._tcp.", "_matrix._tcp." })
        {
            var records = await dns.ResolveSrvAsync(service + hostname, ct);
            // A lone "." target means the service is decidedly not offered there (RFC 2782).
            var usable = records.Where(r => r.Target is not ("" or ".")).ToList();
            if (usable.Count > 0) return new ResolvedServer(hostname, Order(usable).Select(r => Endpoint(r.Target, r.Port)).ToList());
        }
        return new ResolvedServer(hostname, [Endpoint(hostname, DefaultPort)]);
    }

    /// <summary>RFC 2782 order: lowest priority first; within a priority, heavier weights first.</summary>
    internal static IEnumerable<SrvTarget> Order(IEnumerable<SrvTarget> records) =>
        records.OrderBy(r => r.Priority).ThenByDescending(r => r.Weight);

    private static DnsEndPoint Endpoint(string host, int port) =>
        new(host.StartsWith('[') ? host[1..^1] : host, port);
}
