using Messenger.Federation.Protocol.Keys;
using Messenger.Homeserver.ClientApi.Rooms;
using Messenger.Homeserver.ClientApi.Sync;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Messenger.Homeserver.RoomServer;

/// <summary>Registers the room server and the room and sync APIs on it.</summary>
public static class RoomServerSetup
{
    public static IServiceCollection AddRoomServer(this IServiceCollection services)
    {
        services.AddSingleton<RoomLocks>();
        services.AddSingleton<LocalSendQueues>();
        services.AddSingleton<JoinedMembers>();
        services.AddSingleton<LocalEventFanout>();
        services.AddSingleton<RoomSnapshots>();
        services.AddSingleton<EventCache>();
        services.AddSingleton<EventNotifier>();
        services.AddSingleton<MembershipObservers>();
        services.AddSingleton<StreamPositions>();
        services.AddSingleton<StreamChanges>();
        services.AddSingleton<SyncMemo>();
        services.AddSingleton<SyncTimelineTails>();
        services.AddSingleton<DatabaseWriteGate>();
        services.AddSingleton<SqliteGroupSync>();
        services.AddSingleton<SqliteCheckpoints>();
        services.AddSingleton<EventTransactions>();
        services.AddSingleton(sp => new RoomServerContext(
            sp.GetRequiredService<HomeserverConfig>().ServerName, sp.GetRequiredService<ServerSigningKey>(),
            sp.GetRequiredService<RoomLocks>(), sp.GetRequiredService<RoomSnapshots>(), sp.GetRequiredService<EventCache>(),
            sp.GetRequiredService<EventNotifier>(), sp.GetRequiredService<StreamPositions>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<JoinedMembers>(), sp.GetRequiredService<MembershipObservers>()));

        services.AddScoped<RoomStore>();
        services.AddScoped<FilterStore>();
        services.AddScoped<EventPersister>();
        services.AddSingleton<EventRowMemo>();
        services.AddScoped<RoomEventPipeline>();
        services.TryAddSingleton<Remote.IPduKeySource, Remote.OwnServerKeys>();
        services.TryAddScoped<Remote.IRemoteJoins, Remote.NoRemoteJoins>();
        services.TryAddScoped<Remote.IRemoteMemberships, Remote.NoRemoteMemberships>();
        services.TryAddSingleton<Remote.IRemoteEventFetcher, Remote.NoRemoteEventFetcher>();
        services.AddScoped<Remote.RoomEventLoader>();
        services.AddScoped<Remote.RoomStateResolver>();
        services.AddScoped<Remote.RemoteBatchServices>();
        services.AddScoped<Remote.ReceivedPduChecks>();
        services.AddScoped<Remote.RemoteEventIngest>();
        services.AddScoped<Remote.RemoteRoomJoin>();
        services.AddScoped<RoomAccess>();
        services.AddScoped<MembershipHistoryStore>();
        services.AddScoped<OutOfBandMembershipStore>();
        services.AddScoped<ClientApi.Sync.OutOfBandSync>();
        services.AddScoped<VisibilityStateReader>();
        services.AddScoped<HistoryVisibilityFilter>();
        services.AddScoped<RelationsStore>();
        services.AddScoped<BundledAggregations>();
        services.AddScoped<ClientEventFormatter>();
        services.AddSingleton<ParsedEvents>();
        services.AddScoped<MemberProfiles>();
        services.AddScoped<RoomCreationService>();
        services.AddScoped<MembershipService>();
        services.AddScoped<RoomEventsService>();
        services.AddScoped<RoomHistoryService>();
        services.AddScoped<RelationsService>();
        services.AddScoped<ThreadsService>();
        services.AddScoped<RelationSendRules>();
        services.AddScoped<EventContextService>();
        services.AddScoped<SyncExtras>();
        services.AddScoped<SyncTimelines>();
        services.AddScoped<SyncService>();
        services.AddRoomLifecycle();
        return services;
    }

    /// <summary>Continues the event stream from where the database left it.</summary>
    public static async Task InitializeRoomServerAsync(this IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var max = await scope.ServiceProvider.GetRequiredService<RoomStore>().MaxStreamOrderingAsync(ct);
        services.GetRequiredService<StreamPositions>().Initialize(max);
        services.GetRequiredService<StreamPositions>().Initialize(await scope.ServiceProvider.GetRequiredService<OutOfBandMembershipStore>().MaxPositionAsync(ct));
    }
}
