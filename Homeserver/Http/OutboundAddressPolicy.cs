using System.Net;
using System.Net.Sockets;
using Messenger.Homeserver.Configuration;

namespace Messenger.Homeserver.Http;

/// <summary>
/// Outbound requests to addresses a user names (push gateways now; federation and URL previews later) never reach
/// private, loopback, link-local or other internal addresses unless <c>outbound.allowed_private_ranges</c> lists them
/// (DESIGN.md, "Security model"). The check runs on the address actually connected to, after DNS, so a name that
/// resolves to an internal address (or re-resolves to one) is refused too.
/// </summary>
public sealed class OutboundAddressPolicy(HomeserverConfig config)
{
    private static readonly IPNetwork[] Internal =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("ff00::/8"),
    ];

    private readonly IPNetwork[] allowed = config.Outbound.AllowedPrivateRanges.Select(r => IPNetwork.Parse(r)).ToArray();

    public bool IsAllowed(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (allowed.Any(range => range.Contains(address))) return true;
        return !Internal.Any(range => range.Contains(address));
    }

    /// <summary>A handler whose connections are checked against this policy.</summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        ConnectCallback = async (context, ct) =>
        {
            var addresses = IPAddress.TryParse(context.DnsEndPoint.Host, out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
            var permitted = addresses.Where(IsAllowed).ToArray();
            if (permitted.Length == 0)
                throw new HttpRequestException($"refusing to connect to {context.DnsEndPoint.Host}: internal address not allowed by outbound.allowed_private_ranges");
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(permitted, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
