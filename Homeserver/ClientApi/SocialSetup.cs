using Messenger.Homeserver.ClientApi.AccountData;
using Messenger.Homeserver.ClientApi.Presence;
using Messenger.Homeserver.ClientApi.Profile;
using Messenger.Homeserver.ClientApi.Receipts;
using Messenger.Homeserver.ClientApi.Sync;
using Messenger.Homeserver.ClientApi.Typing;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi;

/// <summary>
/// Registers what users keep about rooms and each other and see in sync: account data and tags, ignored users,
/// receipts and read markers, typing, profiles, presence.
/// </summary>
public static class SocialSetup
{
    public static IServiceCollection AddSocial(this IServiceCollection services)
    {
        services.AddScoped<AccountDataStore>();
        services.AddScoped<AccountDataService>();
        services.AddScoped<IgnoredUsers>();
        services.AddScoped<ReceiptStore>();
        services.AddScoped<ReceiptService>();
        services.AddScoped<ReadMarkersService>();
        services.AddSingleton<TypingTracker>();
        services.AddScoped<TypingService>();
        services.AddScoped<ProfileStore>();
        services.AddScoped<ProfilePropagation>();
        services.AddScoped<ProfileService>();
        services.AddSingleton<PresenceTracker>();
        services.AddSingleton<PresenceWakeups>();
        services.AddScoped<PresenceService>();
        services.AddScoped<PresenceSync>();
        services.AddScoped<SyncSocial>();
        return services;
    }

    public static void MapSocialEndpoints(this IEndpointRouteBuilder client)
    {
        client.MapAccountDataEndpoints();
        client.MapReceiptsEndpoints();
        client.MapTypingEndpoints();
        client.MapProfileEndpoints();
        client.MapPresenceEndpoints();
    }

    /// <summary>Continues the stream positions after the highest account data and receipts took, and starts presence wake-ups (run at start).</summary>
    public static async Task InitializeSocialAsync(this IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var positions = services.GetRequiredService<StreamPositions>();
        positions.Initialize(await scope.ServiceProvider.GetRequiredService<AccountDataStore>().MaxPositionAsync(ct));
        positions.Initialize(await scope.ServiceProvider.GetRequiredService<ReceiptStore>().MaxPositionAsync(ct));
        services.GetRequiredService<PresenceWakeups>().Start();
    }
}
