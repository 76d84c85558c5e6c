using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.SlidingSync;

/// <summary>
/// Simplified sliding sync (MSC4186). A response covers the stream up to the position complete when it was built;
/// the connection remembers what each room was sent up to, so the next request (naming this response's <c>pos</c>)
/// gets only rooms with news: new events, a new membership, a widened config, or rooms new to a list's range. With
/// nothing to say and a <c>timeout</c>, the request waits, woken by the same <see cref="EventNotifier"/> as /sync.
/// </summary>
public sealed class SlidingSyncService(SlidingSyncConnections connections, SlidingRoomSelector selector, SlidingRoomRenderer renderer,
    SlidingExtensionsBuilder extensions, RoomServerContext context, RoomStore rooms)
{
    public async Task<JsonObject> SyncAsync(Requester requester, SlidingSyncRequest request, CancellationToken ct)
    {
        var previous = connections.Resume(requester.UserId, requester.DeviceId, request.ConnId, request.Pos);
        var deadline = DateTime.UtcNow + request.Timeout;
        while (true)
        {
            var upTo = context.Positions.Current;
            var (response, state, hasContent) = await BuildAsync(requester, request, previous, upTo, ct);
            var remaining = deadline - DateTime.UtcNow;
            if (request.Pos is null || hasContent || remaining <= TimeSpan.Zero || ct.IsCancellationRequested)
                return Finish(requester, request, response, state);

            var watched = (await rooms.RoomsWithMembershipAsync(requester.UserId, Membership.Join, ct)).Append(requester.UserId);
            using var waiter = context.Notifier.Watch(watched);
            // Something may have been committed between building and watching: look again before sleeping.
            if (context.Positions.Current == upTo && !await waiter.WaitAsync(remaining, ct))
                return Finish(requester, request, response, state);
        }
    }

    private JsonObject Finish(Requester requester, SlidingSyncRequest request, JsonObject response, ConnectionState state)
    {
        response["pos"] = connections.Commit(requester.UserId, requester.DeviceId, request.ConnId, state);
        if (request.TxnId is not null) response["txn_id"] = request.TxnId;
        return response;
    }

    private async Task<(JsonObject Response, ConnectionState State, bool HasContent)> BuildAsync(Requester requester, SlidingSyncRequest request,
        ConnectionState previous, long upTo, CancellationToken ct)
    {
        var selection = await selector.SelectAsync(requester.UserId, request, previous, upTo, ct);
        var plans = new List<RoomPlan>();
        foreach (var room in selection.Rooms.Values.OrderByDescending(r => r.BumpStamp))
        {
            if (Plan(room, previous.Rooms.GetValueOrDefault(room.RoomId), selection.DirectRooms.Contains(room.RoomId)) is { } plan) plans.Add(plan);
        }
        var (roomsJson, sent) = await renderer.RenderAsync(requester, plans, upTo, previous.Position > 0 ? previous.Position : null, selection.Ignored, ct);
        var initial = plans.Where(p => p.Initial).Select(p => p.Room.RoomId).ToHashSet(StringComparer.Ordinal);
        var ext = await extensions.BuildAsync(requester, request.Extensions, previous, upTo, selection, initial, ct);

        var lists = new JsonObject();
        foreach (var (name, count) in selection.ListCounts) lists[name] = new JsonObject { ["count"] = count };
        var countsChanged = selection.ListCounts.Any(kv => !previous.ListCounts.TryGetValue(kv.Key, out var before) || before != kv.Value);
        var state = new ConnectionState(upTo, ext.ToDevicePosition, previous.Rooms.SetItems(sent),
            previous.ListCounts.Clear().SetItems(selection.ListCounts));
        var response = new JsonObject { ["lists"] = lists, ["rooms"] = roomsJson, ["extensions"] = ext.Json };
        return (response, state, roomsJson.Count > 0 || ext.HasContent || countsChanged);
    }

    /// <summary>
    /// Whether and how a matched room goes into the response ("Room results", "Changing room configs"): always when
    /// new to the connection or its membership event changed (a join after an invite starts it afresh); otherwise,
    /// for a joined room, when it has events after it was last sent, the config now asks for more, or it became or
    /// stopped being a DM.
    /// </summary>
    private static RoomPlan? Plan(MatchedRoom room, SentRoom? previous, bool isDm)
    {
        if (previous is null) return new RoomPlan(room, null, true, false, isDm);
        var membership = room.Membership.Membership;
        if (previous.MembershipEventId != room.Membership.EventId)
            return new RoomPlan(room, previous, membership is Membership.Join or Membership.Invite or Membership.Knock, false, isDm);
        if (membership != Membership.Join) return null;
        var changed = room.Latest > previous.At;
        var expanded = room.Config.TimelineLimit > previous.Config.TimelineLimit;
        var widened = !previous.Config.RequiredState.Union(room.Config.RequiredState).Equals(previous.Config.RequiredState);
        return changed || expanded || widened || previous.IsDm != isDm ? new RoomPlan(room, previous, false, expanded, isDm) : null;
    }
}
