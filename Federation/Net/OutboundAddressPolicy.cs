using System.Net;
using System.Net.Sockets;

namespace Messenger.Federation.Net;

/// <summary>
/// Outbound requests to addresses others name (push gateways, federation destinations, their <c>.well-known</c>)
/// never reach private, loopback, link-local or other internal addresses unless a configured range lists them
/// (DESIGN.md, "Security model"). The check runs on the address actually connected to, after DNS, so a name that
/// resolves to an internal address (or re-resolves to one) is refused too. One implementation for every caller;
/// each builds its own instance from its own configured ranges.
/// </summary>
public sealed class OutboundAddressPolicy(IEnumerable<string> allowedPrivateRanges)
{
    private static readonly IPNetwork[] Internal =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("ff00::/8"),
    ];

    private readonly IPNetwork[] allowed = allowedPrivateRanges.Select(r => IPNetwork.Parse(r)).ToArray();

    public bool IsAllowed(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (allowed.Any(range => range.Contains(address))) return true;
        return !Internal.Any(range => range.Contains(address));
    }

    /// <summary>Connects to the first permitted address of <paramref name="addresses"/>; none permitted is an error.</summary>
    public async ValueTask<Stream> ConnectAsync(string what, IEnumerable<IPAddress> addresses, int port, CancellationToken ct)
    {
        var permitted = addresses.Where(IsAllowed).ToArray();
        if (permitted.Length == 0)
            throw new HttpRequestException($"refusing to connect to {what}: internal address not allowed by the configured allowed_private_ranges");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(permitted, port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A handler whose connections (to the host of the request URI) are checked against this policy.</summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        ConnectCallback = async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
            return await ConnectAsync(host, addresses, context.DnsEndPoint.Port, ct);
        },
    };
}
