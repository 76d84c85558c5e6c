using Messenger.Homeserver.ClientApi.ToDevice;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Keys;

/// <summary>Registers the end-to-end encryption key APIs, send-to-device and their stores.</summary>
public static class KeysSetup
{
    public static IServiceCollection AddKeys(this IServiceCollection services)
    {
        services.AddScoped<DeviceKeyStore>();
        services.AddSingleton<DeviceKeyMemo>();
        services.AddScoped<CrossSigningStore>();
        services.AddScoped<DeviceListStore>();
        services.AddScoped<ToDeviceStore>();
        services.AddScoped<KeyBackupStore>();
        services.AddScoped<KeyStreamWriter>();
        services.AddScoped<DeviceKeysDeletion>();
        services.AddScoped<IDeviceDeletionHook>(sp => sp.GetRequiredService<DeviceKeysDeletion>());
        services.AddSingleton<IRemoteKeyDirectory, UnreachableRemoteKeyDirectory>();
        services.AddScoped<KeyUploadService>();
        services.AddScoped<KeyQueryService>();
        services.AddScoped<KeyClaimService>();
        services.AddScoped<DeviceListDeltas>();
        services.AddScoped<CrossSigningService>();
        services.AddScoped<SignatureUploadService>();
        services.AddScoped<ToDeviceService>();
        services.AddScoped<KeyBackupService>();
        services.AddScoped<RoomKeysService>();
        services.AddScoped<DehydratedDeviceStore>();
        services.AddScoped<DehydratedDeviceService>();
        services.AddScoped<SyncKeyData>();
        return services;
    }

    /// <summary>
    /// Continues the stream positions after the highest the key tables took (to-device sends, device list changes),
    /// which can lie past the last event; run at start with the room server's initialisation.
    /// </summary>
    public static async Task InitializeKeysAsync(this IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var max = await scope.ServiceProvider.GetRequiredService<DeviceListStore>().MaxPositionAsync(ct);
        services.GetRequiredService<StreamPositions>().Initialize(max);
    }
}
