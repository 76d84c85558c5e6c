using System.Net;

namespace Messenger.Federation.Discovery;

/// <summary>
/// Where and how to reach a server: the <c>Host</c> header to send, whose host part is also the name the TLS
/// certificate must match and the SNI (none for an IP literal), and the endpoints to try in order, each a host to
/// resolve (or an IP literal) with a port.
/// </summary>
public sealed record ResolvedServer(string HostHeader, IReadOnlyList<DnsEndPoint> Targets)
{
    /// <summary>The certificate name: the Host header without port and without IPv6 brackets.</summary>
    public string TlsName
    {
        get
        {
            if (HostHeader.StartsWith('[')) return HostHeader[1..HostHeader.IndexOf(']')];
            var colon = HostHeader.IndexOf(':');
            return colon < 0 ? HostHeader : HostHeader[..colon];
        }
    }
}
