using Messenger.Federation.Net;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Push;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Push;

/// <summary>Registers the push module: push rules, evaluation of new events, notifications and pushers.</summary>
public static class PushSetup
{
    public static IServiceCollection AddPush(this IServiceCollection services)
    {
        services.AddScoped<PushRuleStore>();
        services.AddScoped<PushRulesService>();
        services.AddScoped<PushActionStore>();
        services.AddSingleton<UnreadCountReads>();
        services.AddScoped<PusherStore>();
        services.AddScoped<IDeviceDeletionHook>(sp => sp.GetRequiredService<PusherStore>());
        services.AddScoped<PushersService>();
        services.AddScoped<NotificationsService>();
        services.AddScoped<EventPushProcessor>();
        services.AddSingleton<PushRuleSetCache>();
        services.AddScoped<IEventPushHook>(sp => sp.GetRequiredService<EventPushProcessor>());
        services.AddSingleton<PushDeliverySignal>();
        services.AddSingleton(sp => new OutboundAddressPolicy(sp.GetRequiredService<HomeserverConfig>().Outbound.AllowedPrivateRanges));
        services.AddHttpClient(PushGatewayClient.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(15))
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<OutboundAddressPolicy>().CreateHandler());
        services.AddSingleton<PushGatewayClient>();
        services.AddScoped<PushDelivery>();
        services.AddHostedService<PushDeliveryWorker>();
        return services;
    }

    public static void MapPushEndpoints(this IEndpointRouteBuilder client)
    {
        client.MapPushRulesEndpoints();
        client.MapPushersEndpoints();
    }

    /// <summary>Continues the stream positions after the highest a push rules change took (run at start).</summary>
    public static async Task InitializePushAsync(this IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var max = await scope.ServiceProvider.GetRequiredService<PushRuleStore>().MaxPositionAsync(ct);
        services.GetRequiredService<StreamPositions>().Initialize(max);
    }
}
