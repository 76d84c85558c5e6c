using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Devices;

/// <summary>
/// Device management ("Device management" module): list, read, rename, delete behind UIA. A rename is a device list
/// change (other users and servers see device display names in key queries and <c>m.device_list_update</c>).
/// </summary>
public sealed class DeviceService(DeviceStore devices, UserInteractiveAuth uia, Keys.KeyStreamWriter keyStream)
{
    private static readonly IReadOnlyList<UiaFlow> PasswordFlow = [new UiaFlow(UiaFlow.Password)];

    public async Task<IReadOnlyList<DeviceInfo>> ListAsync(Requester requester, CancellationToken ct) =>
        (await devices.ListAsync(requester.UserId, ct)).Select(ToInfo).ToList();

    public async Task<DeviceInfo> GetAsync(Requester requester, string deviceId, CancellationToken ct) =>
        ToInfo(await devices.FindAsync(requester.UserId, deviceId, ct) ?? throw MatrixError.NotFound("Device not found"));

    /// <summary>PUT /devices/{deviceId}: only <c>display_name</c> can change; an unknown device is 404.</summary>
    public async Task RenameAsync(Requester requester, string deviceId, JsonObject body, CancellationToken ct)
    {
        var name = body["display_name"] switch
        {
            null => null,
            JsonValue v when v.TryGetValue(out string? s) => s,
            _ => throw MatrixError.BadJson("display_name must be a string"),
        };
        if (name is { Length: > 100 }) throw MatrixError.InvalidParam("display_name is too long (at most 100 characters)");
        if (await devices.FindAsync(requester.UserId, deviceId, ct) is null) throw MatrixError.NotFound("Device not found");
        if (!body.ContainsKey("display_name")) return;
        await keyStream.RunAsync(async write =>
        {
            await devices.SetDisplayNameAsync(requester.UserId, deviceId, name, ct);
            write.DeviceListChanged(requester.UserId, deviceId);
        }, ct);
    }

    /// <summary>DELETE /devices/{deviceId} and POST /delete_devices: UIA with the user's password, then the devices and their tokens go.</summary>
    public async Task DeleteAsync(Requester requester, IReadOnlyCollection<string> deviceIds, JsonObject body, CancellationToken ct)
    {
        var auth = await uia.AuthenticateAsync(body, "delete_devices", PasswordFlow, requester.UserId, ct);
        await devices.InTransactionAsync(async () =>
        {
            await devices.DeleteAsync(requester.UserId, deviceIds, ct);
            await uia.ConsumeAsync(auth, ct);
        }, ct);
    }

    private static DeviceInfo ToInfo(DeviceRow row) => new(row.DeviceId, row.DisplayName, row.LastSeenIp, row.LastSeenTs);
}
