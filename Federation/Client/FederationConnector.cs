using System.Net;
using System.Net.Security;
using Messenger.Federation.Discovery;
using Messenger.Federation.Net;

namespace Messenger.Federation.Client;

/// <summary>
/// The HTTP handler of every outbound federation connection (requests and <c>.well-known</c> lookups). A request
/// carrying <see cref="TargetsOption"/> connects to those discovered endpoints in order, while its URI keeps the
/// Host-header authority so that the <c>Host</c> header, the SNI and the certificate name are the ones discovery
/// chose; other requests connect to their URI's host. Names resolve through <see cref="IDnsResolver"/>, and every
/// address passes <see cref="OutboundAddressPolicy"/>. Certificates are verified unless <c>verify_tls</c> is off.
/// </summary>
public sealed class FederationConnector(IDnsResolver dns, FederationOptions options)
{
    /// <summary>The request option with the endpoints discovery found.</summary>
    public static readonly HttpRequestOptionsKey<IReadOnlyList<DnsEndPoint>> TargetsOption = new("messenger.federation.targets");

    private readonly OutboundAddressPolicy policy = new(options.AllowedPrivateRanges);

    public SocketsHttpHandler CreateHandler(bool followRedirects = false) => new()
    {
        AllowAutoRedirect = followRedirects,
        MaxAutomaticRedirections = 5,
        UseCookies = false,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(15),
        SslOptions = options.VerifyTls
            ? new SslClientAuthenticationOptions()
            : new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = static (_, _, _, _) => true },
        ConnectCallback = async (context, ct) =>
        {
            var targets = context.InitialRequestMessage.Options.TryGetValue(TargetsOption, out var found) ? found : [context.DnsEndPoint];
            Exception? last = null;
            foreach (var target in targets)
            {
                try
                {
                    var addresses = IPAddress.TryParse(target.Host, out var literal) ? [literal] : await dns.ResolveAddressesAsync(target.Host, ct);
                    if (addresses.Count == 0) throw new HttpRequestException($"{target.Host} does not resolve");
                    return await policy.ConnectAsync(target.Host, addresses, target.Port, ct);
                }
                catch (Exception e) when (e is HttpRequestException or System.Net.Sockets.SocketException)
                {
                    last = e;
                }
            }
            throw last ?? new HttpRequestException("no endpoint to connect to");
        },
    };
}
