using System.Text.Json.Nodes;
using Messenger.Federation.Edus;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Homeserver.ClientApi.ToDevice;

namespace Messenger.Homeserver.FederationApi.Edus;

/// <summary>
/// Inbound <c>m.direct_to_device</c> (Server-Server API "Send-to-device messaging"): messages of a remote user for
/// devices of local users, <c>*</c> meaning every device, delivered through the same store as local sends so they
/// reach <c>/sync</c> in order. The sender must belong to the origin; a <c>message_id</c> seen before from that
/// sender stores nothing (servers retry transactions). Anything malformed is ignored, as an EDU is never answered.
/// The outbound side is <see cref="ToDeviceService.SendAsync"/>.
/// </summary>
public sealed partial class DirectToDeviceEdus(IServiceScopeFactory scopes, ILogger<DirectToDeviceEdus> logger) : IEduHandler
{
    public string EduType => ToDeviceService.DirectToDeviceEdu;

    public async Task HandleAsync(string origin, JsonObject content, CancellationToken ct)
    {
        if (content["sender"] is not JsonValue s || !s.TryGetValue(out string? sender)
            || content["type"] is not JsonValue t || !t.TryGetValue(out string? type) || type.Length is 0 or > 255
            || content["message_id"] is not JsonValue m || !m.TryGetValue(out string? messageId) || messageId.Length is 0 or > 255
            || content["messages"] is not JsonObject messages) return;
        if (!UserId.TryParse(sender, out var user) || user.ServerName.Value != origin)
        {
            LogIgnored(logger, origin, sender);
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ToDeviceService>().ReceiveAsync(sender, type, messageId, messages, ct);
    }

    [LoggerMessage(EventId = 7431, Level = LogLevel.Debug, Message = "To-device EDU from {Origin} with sender {Sender} ignored")]
    private static partial void LogIgnored(ILogger logger, string origin, string sender);
}
