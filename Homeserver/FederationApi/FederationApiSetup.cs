using Microsoft.Extensions.DependencyInjection.Extensions;
using Messenger.Federation;
using Messenger.Federation.Endpoints;
using Messenger.Federation.Ports;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Storage;
using Messenger.Federation.Sending;
using Messenger.Homeserver.ClientApi.Keys;
using Messenger.Homeserver.FederationApi.Edus;
using Messenger.Homeserver.FederationApi.Sending;
using Messenger.Federation.Edus;
using Messenger.Homeserver.RoomServer;

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
        services.AddScoped<IRoomAliasDirectory, RoomAliasDirectory>();
        services.AddSingleton<RemoteQueries>();
        services.AddScoped<IRoomTimestamps, RoomTimestamps>();
        services.AddScoped<OpenIdTokenStore>();
        services.AddScoped<IOpenIdTokens, OpenIdTokens>();
        services.AddScoped<RemoteTimestamps>();
        services.AddScoped<IUserKeysDirectory, UserKeysDirectory>();
        // Remote users' keys: device lists cached from their servers' EDUs, federation queries for the rest.
        services.AddSingleton<FederationKeyDirectory>();
        services.AddSingleton<IRemoteKeyDirectory, CachedRemoteKeyDirectory>();
        services.AddScoped<RemoteDeviceStore>();
        services.AddScoped<RemoteDeviceLists>();
        services.AddScoped<RemoteDeviceListFetcher>();
        services.AddSingleton<RemoteDeviceResyncer>();
        services.AddHostedService(sp => sp.GetRequiredService<RemoteDeviceResyncer>());
        services.AddSingleton<RemoteDeviceListSharing>();
        services.AddHostedService(sp => sp.GetRequiredService<RemoteDeviceListSharing>());
        services.AddScoped<DeviceListEduSender>();
        services.AddSingleton<IEduHandler, DeviceListEdus>();
        services.AddSingleton<IEduHandler, SigningKeyEdus>();
        services.AddScoped<FederationOutboxStore>();
        services.AddSingleton<FederationSenderSignal>();
        services.AddSingleton<IRemoteActivity>(sp => sp.GetRequiredService<FederationSenderSignal>());
        services.AddScoped<IFederationEduQueue, FederationEduQueue>();
        services.AddHostedService<FederationSender>();
        // Room events over federation: the room server's receive path behind the ports, keys from the transport.
        services.AddSingleton<TransactionResults>();
        services.AddSingleton<RoomServer.Remote.IPduKeySource, ResolverPduKeys>();
        services.AddSingleton<RoomServer.Remote.IRemoteEventFetcher, RemoteEventFetcher>();
        services.AddScoped<RoomServer.Remote.IRemoteJoins, RemoteJoiner>();
        services.AddScoped<FederationRoomAccess>();
        services.AddScoped<RoomDagWalker>();
        services.AddScoped<ServerVisibilityFilter>();
        services.AddScoped<FederationRoomReads>();
        services.AddScoped<IFederationRoomReads>(sp => sp.GetRequiredService<FederationRoomReads>());
        services.AddScoped<IFederationInbox, FederationInbox>();
        services.AddScoped<IFederationJoins, FederationJoins>();
        // Typing, receipts and presence over federation: inbound handlers feed the local trackers, local changes go out.
        services.AddScoped<EduAudience>();
        services.AddScoped<ReceiptEduSender>();
        services.AddSingleton<TypingEdus>();
        services.AddSingleton<IEduHandler>(sp => sp.GetRequiredService<TypingEdus>());
        services.AddSingleton<PresenceEdus>();
        services.AddSingleton<IEduHandler>(sp => sp.GetRequiredService<PresenceEdus>());
        services.AddSingleton<IEduHandler, ReceiptEdus>();
        services.AddSingleton<IEduHandler, DirectToDeviceEdus>();
        // Leaving, knocking and inviting across servers: both halves of each handshake.
        services.AddScoped<MembershipTemplates>();
        services.AddScoped<FederationInvites>();
        services.AddScoped<IFederationMemberships, FederationMemberships>();
        services.AddScoped<RemoteInviter>();
        services.AddScoped<RoomServer.Remote.IRemoteMemberships, RemoteMemberships>();
        // Local media for other servers (remote media for local users is the content repository's RemoteMediaCache).
        services.AddScoped<IFederationMediaSource, FederationMediaSource>();
        // Room directories and space summaries both ways; replaces the unreachable stand-ins of the directories.
        services.AddScoped<IFederationDirectory, FederationDirectory>();
        services.Replace(ServiceDescriptor.Singleton<ClientApi.Directories.IRemoteRoomDirectory, FederationRoomDirectory>());
        services.Replace(ServiceDescriptor.Singleton<ClientApi.Directories.IRemoteSpaceHierarchy, FederationSpaceHierarchy>());
        return services;
    }

    public static void MapFederationApiEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapFederationTransport();
        app.MapOpenIdEndpoints();
        var federation = app.MapFederationApi();
        federation.MapQueryEndpoints();
        federation.MapUserKeysEndpoints();
        var services = app.ServiceProvider;
        var signal = services.GetRequiredService<FederationSenderSignal>();
        services.GetRequiredService<LocalEventFanout>().OnQueued(signal.Wake);
        // Device list changes are queued as EDUs by the sender itself: wake it when a notify follows one.
        var changes = services.GetRequiredService<StreamChanges>();
        var positions = services.GetRequiredService<StreamPositions>();
        long deviceListsSeen = positions.Current;
        services.GetRequiredService<EventNotifier>().OnAnyNotify(() =>
        {
            var seen = Interlocked.Read(ref deviceListsSeen);
            if (!changes.DeviceLists.MayHaveChanged(StreamChanges.AnyUser, seen)) return;
            Interlocked.Exchange(ref deviceListsSeen, positions.Current);
            signal.Wake();
        });
        services.GetRequiredService<TypingEdus>().Start();
        services.GetRequiredService<PresenceEdus>().Start();
        federation.MapRoomEventEndpoints();
        federation.MapMembershipEndpoints();
        federation.MapTimestampEndpoints();
        federation.MapContentRepositoryEndpoints();
        federation.MapRoomDirectoryEndpoints();
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
