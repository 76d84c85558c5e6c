using Messenger.Federation.Client;
using Messenger.Federation.Discovery;
using Messenger.Federation.Edus;
using Messenger.Federation.Keys;
using Messenger.Federation.Policy;
using Messenger.Federation.XMatrix;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Messenger.Federation;

/// <summary>
/// Registers the federation transport: policy, X-Matrix, discovery, the outbound client and the key services.
/// The host must also register <see cref="Protocol.Keys.ServerSigningKey"/>, <see cref="TimeProvider"/> and an
/// <see cref="Ports.IServerKeyStore"/>. An <see cref="IDnsResolver"/> registered before this call wins (tests).
/// </summary>
public static class FederationSetup
{
    public static IServiceCollection AddFederationTransport(this IServiceCollection services, FederationOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<FederationDomainPolicy>();
        services.TryAddSingleton<IDnsResolver, DnsClientResolver>();
        services.AddSingleton<FederationConnector>();
        services.AddSingleton<WellKnownResolver>();
        services.TryAddSingleton<IWellKnownResolver>(sp => sp.GetRequiredService<WellKnownResolver>());
        services.AddSingleton<ServerResolver>();
        services.AddSingleton<LocalServerKeys>();
        services.AddSingleton<FederationHttpClient>();
        services.AddSingleton<IFederationClient>(sp => sp.GetRequiredService<FederationHttpClient>());
        services.AddSingleton<ServerKeyFetcher>();
        services.AddSingleton<ServerKeyResolver>();
        services.AddSingleton<IServerKeyResolver>(sp => sp.GetRequiredService<ServerKeyResolver>());
        services.AddSingleton<KeyNotary>();
        services.AddSingleton<XMatrixAuthenticator>();
        services.AddSingleton<EduDispatcher>();
        return services;
    }
}
