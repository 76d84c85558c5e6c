using Messenger.Federation;
using Messenger.Federation.Endpoints;
using Messenger.Federation.Ports;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.FederationApi;

/// <summary>
/// Wires the Server-Server API of <c>Federation/</c> into the homeserver: options from the <c>federation</c>
/// section, the storage ports Federation declares, and the routes.
/// </summary>
public static class FederationApiSetup
{
    public static IServiceCollection AddFederationApi(this IServiceCollection services, HomeserverConfig config)
    {
        services.AddFederationTransport(Options(config));
        services.AddScoped<IServerKeyStore, ServerKeyStore>();
        services.AddScoped<IProfileDirectory, ProfileDirectory>();
        return services;
    }

    public static void MapFederationApiEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapFederationTransport();
        app.MapFederationApi().MapQueryEndpoints();
    }

    internal static FederationOptions Options(HomeserverConfig config)
    {
        var federation = config.Federation;
        return new FederationOptions
        {
            ServerName = config.ServerName,
            DomainWhitelist = federation.DomainWhitelist,
            DomainBlacklist = federation.DomainBlacklist,
            VerifyTls = federation.VerifyTls,
            AllowedPrivateRanges = federation.AllowedPrivateRanges,
            KeyValidity = TimeSpan.FromMilliseconds(federation.KeyValidityPeriodMs),
            OldVerifyKeys = federation.OldSigningKeys.Select(k => new OldVerifyKey(k.KeyId, k.Key, k.ExpiredTs)).ToList(),
            TrustedKeyServers = federation.TrustedKeyServers
                .Select(t => new TrustedKeyServer(t.ServerName, t.VerifyKeys.ToDictionary(k => k.KeyId, k => k.Key, StringComparer.Ordinal)))
                .ToList(),
        };
    }
}
