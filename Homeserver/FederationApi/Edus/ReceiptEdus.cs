using System.Text.Json.Nodes;
using Messenger.Federation.Edus;
using Messenger.Homeserver.ClientApi.Receipts;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.FederationApi.Edus;

/// <summary>
/// Inbound <c>m.receipt</c> EDUs ("Receipts"; outbound: <see cref="ReceiptEduSender"/>). For each room the origin's ACL allows, each <c>m.read</c> receipt of a
/// user of the origin who is joined, at an event this server has in that room, is stored like a local one (so syncs
/// see it); others are ignored, and receipts not listed are left alone ("should only update entries that are listed").
/// </summary>
public sealed partial class ReceiptEdus(IServiceScopeFactory scopes, ILogger<ReceiptEdus> logger) : IEduHandler
{
    public string EduType => "m.receipt";

    public async Task HandleAsync(string origin, JsonObject content, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var audience = scope.ServiceProvider.GetRequiredService<EduAudience>();
        var rooms = scope.ServiceProvider.GetRequiredService<RoomStore>();
        var store = scope.ServiceProvider.GetRequiredService<ReceiptStore>();
        foreach (var (roomId, byType) in content)
        {
            if (byType?[ReceiptService.Read] is not JsonObject reads || !await audience.AclAllowsAsync(origin, roomId, ct))
            {
                LogIgnored(logger, origin, roomId);
                continue;
            }
            foreach (var (userId, receipt) in reads)
            {
                if (receipt?["event_ids"] is not JsonArray { Count: > 0 } ids || ids[0] is not JsonValue idValue || !idValue.TryGetValue(out string? eventId)
                    || receipt["data"] is not JsonObject data) continue;
                if (!await audience.MayActInRoomAsync(origin, roomId, userId, ct)) continue;
                var target = await rooms.EventRowAsync(eventId, ct);
                if (target is null || target.RoomId != roomId) continue;
                var threadId = data["thread_id"] is JsonValue t && t.TryGetValue(out string? thread) && thread.Length > 0 ? thread : "";
                var ts = data["ts"] is JsonValue tsValue && tsValue.TryGetValue(out long at) ? at : 0;
                await store.SetAsync(new ReceiptRow
                {
                    RoomId = roomId, ReceiptType = ReceiptService.Read, UserId = userId, ThreadId = threadId,
                    EventId = eventId, EventStreamOrdering = target.StreamOrdering, Ts = ts,
                }, ct);
            }
        }
    }

    [LoggerMessage(EventId = 7415, Level = LogLevel.Debug, Message = "Receipts from {Origin} for {RoomId} ignored")]
    private static partial void LogIgnored(ILogger logger, string origin, string roomId);
}
