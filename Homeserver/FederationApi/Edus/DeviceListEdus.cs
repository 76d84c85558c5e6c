using System.Text.Json.Nodes;
using Messenger.Federation.Edus;

namespace Messenger.Homeserver.FederationApi.Edus;

/// <summary>
/// Inbound <c>m.device_list_update</c> ("Device Management"; outbound: <see cref="DeviceListEduSender"/>). An update of
/// a user of the origin who shares a room with us is applied to the cached list or triggers a resync
/// (<see cref="RemoteDeviceLists"/>); one about another server's user, about a user we share no room with, or malformed
/// is ignored.
/// </summary>
public sealed partial class DeviceListEdus(IServiceScopeFactory scopes, ILogger<DeviceListEdus> logger) : IEduHandler
{
    public string EduType => DeviceListUpdate.EduType;

    public async Task HandleAsync(string origin, JsonObject content, CancellationToken ct)
    {
        var update = DeviceListUpdate.Parse(content);
        await using var scope = scopes.CreateAsyncScope();
        if (update is null || !await scope.ServiceProvider.GetRequiredService<EduAudience>().IsKnownRemoteAsync(origin, update.UserId, ct))
        {
            LogIgnored(logger, origin, EduType);
            return;
        }
        await scope.ServiceProvider.GetRequiredService<RemoteDeviceLists>().ApplyAsync(update, ct);
    }

    [LoggerMessage(EventId = 7423, Level = LogLevel.Debug, Message = "{EduType} from {Origin} ignored")]
    internal static partial void LogIgnored(ILogger logger, string origin, string eduType);
}
