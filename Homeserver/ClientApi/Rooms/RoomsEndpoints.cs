using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Http;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>Routes of "Rooms", "Room membership", "Sending events to a room" and "Getting events for a room".</summary>
public static class RoomsEndpoints
{
    public static void MapRoomsEndpoints(this IEndpointRouteBuilder client)
    {
        client.MapPost("/createRoom", async (HttpContext http, Requester requester, RoomCreationService rooms) =>
        {
            var request = await MatrixJson.ReadAsync<CreateRoomRequest>(http);
            return MatrixJson.Ok(new { room_id = await rooms.CreateAsync(requester, request, http.RequestAborted) });
        }).RequireRateLimiting(RateLimits.Message);

        client.MapPut("/rooms/{roomId}/send/{eventType}/{txnId}", async (string roomId, string eventType, string txnId, HttpContext http, Requester requester,
            RoomEventsService events, Presence.PresenceTracker presence) =>
        {
            var content = await MatrixJson.ReadObjectAsync(http);
            var eventId = await events.SendMessageAsync(requester, roomId, eventType, txnId, content, http.RequestAborted);
            presence.Active(requester.UserId); // sending counts as activity ("Presence": last_active_ago)
            return MatrixJson.Ok(new { event_id = eventId });
        }).RequireRateLimiting(RateLimits.Message);

        client.MapPut("/rooms/{roomId}/state/{eventType}/{**stateKey}", (string roomId, string eventType, string? stateKey, HttpContext http, Requester requester, RoomEventsService events) =>
            PutStateAsync(roomId, eventType, stateKey ?? "", http, requester, events)).RequireRateLimiting(RateLimits.Message);

        client.MapPut("/rooms/{roomId}/redact/{eventId}/{txnId}", async (string roomId, string eventId, string txnId, HttpContext http, Requester requester, RoomEventsService events) =>
        {
            var body = await MatrixJson.ReadObjectAsync(http, emptyAllowed: true);
            var reason = body["reason"] is JsonValue r && r.TryGetValue(out string? text) ? text : null;
            return MatrixJson.Ok(new { event_id = await events.RedactAsync(requester, roomId, eventId, txnId, reason, http.RequestAborted) });
        }).RequireRateLimiting(RateLimits.Message);

        client.MapGet("/rooms/{roomId}/event/{eventId}", async (string roomId, string eventId, Requester requester, RoomEventsService events, CancellationToken ct) =>
            MatrixJson.Ok(await events.GetEventAsync(requester, roomId, eventId, ct)));

        client.MapGet("/rooms/{roomId}/state", async (string roomId, Requester requester, RoomEventsService events, CancellationToken ct) =>
            MatrixJson.Ok(await events.GetStateAsync(requester, roomId, ct)));

        client.MapGet("/rooms/{roomId}/state/{eventType}/{**stateKey}", async (string roomId, string eventType, string? stateKey, string? format, Requester requester, RoomEventsService events, CancellationToken ct) =>
            MatrixJson.Ok(await events.GetStateEventAsync(requester, roomId, eventType, stateKey ?? "", format == "event", ct)));

        client.MapGet("/joined_rooms", async (Requester requester, RoomHistoryService history, CancellationToken ct) =>
            MatrixJson.Ok(new { joined_rooms = await history.JoinedRoomsAsync(requester, ct) }));

        client.MapGet("/rooms/{roomId}/joined_members", async (string roomId, Requester requester, RoomHistoryService history, CancellationToken ct) =>
            MatrixJson.Ok(await history.JoinedMembersAsync(requester, roomId, ct)));

        client.MapGet("/rooms/{roomId}/members", async (string roomId, string? at, string? membership, string? not_membership, Requester requester,
                RoomHistoryService history, CancellationToken ct) =>
            MatrixJson.Ok(new { chunk = await history.MembersAsync(requester, roomId, at, membership, not_membership, ct) }));

        client.MapGet("/rooms/{roomId}/messages", async (string roomId, string? from, string? to, string? dir, int? limit, string? filter, Requester requester, RoomHistoryService history, CancellationToken ct) =>
            MatrixJson.Ok(await history.MessagesAsync(requester, roomId, from, to, dir, limit, ct, filter)));

        MapMembership(client);
        client.MapRoomLifecycleEndpoints();
    }

    /// <summary>The servers to join a remote room through: <c>via</c> (v1.12) and the deprecated <c>server_name</c>.</summary>
    private static List<string> ViaServers(HttpContext http) =>
        [.. http.Request.Query["via"].Concat(http.Request.Query["server_name"]).OfType<string>().Where(s => s.Length > 0)];

    private static void MapMembership(IEndpointRouteBuilder client)
    {
        client.MapPost("/join/{roomIdOrAlias}", async (string roomIdOrAlias, HttpContext http, Requester requester, MembershipService membership) =>
        {
            var body = await MatrixJson.ReadAsync<MembershipRequest>(http, emptyAllowed: true);
            return MatrixJson.Ok(new { room_id = await membership.JoinAsync(requester, roomIdOrAlias, body.Reason, http.RequestAborted, ViaServers(http)) });
        });
        client.MapPost("/rooms/{roomId}/join", async (string roomId, HttpContext http, Requester requester, MembershipService membership) =>
        {
            var body = await MatrixJson.ReadAsync<MembershipRequest>(http, emptyAllowed: true);
            return MatrixJson.Ok(new { room_id = await membership.JoinAsync(requester, roomId, body.Reason, http.RequestAborted, ViaServers(http)) });
        });
        client.MapPost("/rooms/{roomId}/leave", (string roomId, HttpContext http, Requester requester, MembershipService membership) =>
            Membership(http, body => membership.LeaveAsync(requester, roomId, body.Reason, http.RequestAborted), emptyAllowed: true));
        client.MapPost("/rooms/{roomId}/invite", (string roomId, HttpContext http, Requester requester, MembershipService membership) =>
            Membership(http, body => membership.InviteAsync(requester, roomId, body.UserId, body.Reason, http.RequestAborted)));
        client.MapPost("/rooms/{roomId}/kick", (string roomId, HttpContext http, Requester requester, MembershipService membership) =>
            Membership(http, body => membership.KickAsync(requester, roomId, body.UserId, body.Reason, http.RequestAborted)));
        client.MapPost("/rooms/{roomId}/ban", (string roomId, HttpContext http, Requester requester, MembershipService membership) =>
            Membership(http, body => membership.BanAsync(requester, roomId, body.UserId, body.Reason, http.RequestAborted)));
        client.MapPost("/rooms/{roomId}/unban", (string roomId, HttpContext http, Requester requester, MembershipService membership) =>
            Membership(http, body => membership.UnbanAsync(requester, roomId, body.UserId, body.Reason, http.RequestAborted)));
    }

    private static async Task<IResult> Membership(HttpContext http, Func<MembershipRequest, Task> change, bool emptyAllowed = false)
    {
        var body = await MatrixJson.ReadAsync<MembershipRequest>(http, emptyAllowed);
        await change(body);
        return MatrixJson.Ok(new { });
    }

    private static async Task<IResult> PutStateAsync(string roomId, string eventType, string stateKey, HttpContext http, Requester requester, RoomEventsService events)
    {
        var content = await MatrixJson.ReadObjectAsync(http);
        return MatrixJson.Ok(new { event_id = await events.SendStateAsync(requester, roomId, eventType, stateKey, content, http.RequestAborted) });
    }
}
