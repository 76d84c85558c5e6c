using System.Text.Json.Nodes;
using Messenger.Federation.Http;
using Messenger.Federation.Ports;
using Messenger.Federation.XMatrix;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Messenger.Federation.Endpoints;

/// <summary>
/// Membership handshakes besides joining: "Leaving Rooms (Rejecting Invites)" (make_leave, send_leave v2), "Knocking
/// upon a room" (make_knock, send_knock) and "Inviting to a room" (invite v2). The user a template is for must be of the
/// requesting server; the rules live behind <see cref="IFederationMemberships"/>.
/// </summary>
public static class MembershipEndpoints
{
    public static void MapMembershipEndpoints(this RouteGroupBuilder federation)
    {
        federation.MapGet("/v1/make_leave/{roomId}/{userId}", (string roomId, string userId, FederationRequest request, IFederationMemberships memberships, HttpContext http) =>
            MakeAsync(roomId, userId, "leave", versions: null, request, memberships, http));
        federation.MapPut("/v2/send_leave/{roomId}/{eventId}", async (string roomId, string eventId, FederationRequest request, IFederationMemberships memberships, HttpContext http) =>
        {
            await memberships.SendMembershipAsync(request.Origin, roomId, eventId, "leave", Event(request), http.RequestAborted);
            return Results.Json(new JsonObject());
        });
        federation.MapGet("/v1/make_knock/{roomId}/{userId}", (string roomId, string userId, FederationRequest request, IFederationMemberships memberships, HttpContext http) =>
        {
            // "ver" is required: knocking came with room version 7, so there is no version-1 default as for joins.
            var versions = http.Request.Query["ver"].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToList();
            if (versions.Count == 0) throw FederationError.MissingParam("ver");
            return MakeAsync(roomId, userId, "knock", versions, request, memberships, http);
        });
        federation.MapPut("/v1/send_knock/{roomId}/{eventId}", async (string roomId, string eventId, FederationRequest request, IFederationMemberships memberships, HttpContext http) =>
        {
            var state = await memberships.SendMembershipAsync(request.Origin, roomId, eventId, "knock", Event(request), http.RequestAborted);
            return Results.Json(new JsonObject { ["knock_room_state"] = state ?? [] });
        });
        federation.MapPut("/v2/invite/{roomId}/{eventId}", InviteAsync);
    }

    /// <summary>GET make_leave / make_knock: <c>{room_version, event}</c> for a user of the requesting server.</summary>
    private static async Task<IResult> MakeAsync(string roomId, string userId, string membership, IReadOnlyCollection<string>? versions,
        FederationRequest request, IFederationMemberships memberships, HttpContext http)
    {
        if (!userId.EndsWith(":" + request.Origin, StringComparison.Ordinal)) throw FederationError.Forbidden("The user is not of the requesting server");
        return Results.Json(await memberships.MakeMembershipAsync(request.Origin, roomId, userId, membership, versions, http.RequestAborted));
    }

    /// <summary>
    /// PUT /_matrix/federation/v2/invite/{roomId}/{eventId}: <c>{room_version, event, invite_room_state}</c> → <c>{event}</c>
    /// signed by us. A missing or malformed body is 400 (<c>M_MISSING_PARAM</c>, <c>M_BAD_JSON</c>).
    /// </summary>
    private static async Task<IResult> InviteAsync(string roomId, string eventId, FederationRequest request, IFederationMemberships memberships, HttpContext http)
    {
        var body = request.Body;
        if (body["room_version"] is not JsonValue v || !v.TryGetValue(out string? version)) throw FederationError.MissingParam("room_version");
        if (body["event"] is not JsonObject ev) throw FederationError.MissingParam("event");
        if (body["invite_room_state"] is not (null or JsonArray)) throw FederationError.BadJson("invite_room_state must be an array");
        var state = (body["invite_room_state"] as JsonArray)?.DeepClone().AsArray();
        var signed = await memberships.InviteAsync(request.Origin, roomId, eventId, version, (JsonObject)ev.DeepClone(), state, http.RequestAborted);
        return Results.Json(new JsonObject { ["event"] = signed });
    }

    private static JsonObject Event(FederationRequest request) => (JsonObject)request.Body.DeepClone();
}
