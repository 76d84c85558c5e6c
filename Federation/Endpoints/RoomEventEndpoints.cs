using System.Text.Json.Nodes;
using Messenger.Federation.Http;
using Messenger.Federation.Ports;
using Messenger.Federation.XMatrix;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Messenger.Federation.Endpoints;

/// <summary>
/// Room events over federation: transactions ("Transactions", "PDUs"), single events and state ("Retrieving events"),
/// auth chains ("Retrieving event authorisation information") and the resident side of joins ("Joining Rooms").
/// Handlers are thin: the rules live behind the ports the homeserver implements.
/// </summary>
public static class RoomEventEndpoints
{
    public const int MaxPdus = 50;
    public const int MaxEdus = 100;

    public static void MapRoomEventEndpoints(this RouteGroupBuilder federation)
    {
        federation.MapPut("/v1/send/{txnId}", SendTransactionAsync);
        federation.MapGet("/v1/event/{eventId}", GetEventAsync);
        federation.MapGet("/v1/state/{roomId}", (string roomId, FederationRequest request, HttpContext http, IFederationRoomReads reads) =>
            StateAsync(roomId, request, http, reads, idsOnly: false));
        federation.MapGet("/v1/state_ids/{roomId}", (string roomId, FederationRequest request, HttpContext http, IFederationRoomReads reads) =>
            StateAsync(roomId, request, http, reads, idsOnly: true));
        federation.MapGet("/v1/event_auth/{roomId}/{eventId}", GetEventAuthAsync);
        federation.MapGet("/v1/backfill/{roomId}", BackfillAsync);
        federation.MapPost("/v1/get_missing_events/{roomId}", GetMissingEventsAsync);
        federation.MapGet("/v1/make_join/{roomId}/{userId}", MakeJoinAsync);
        federation.MapPut("/v2/send_join/{roomId}/{eventId}", SendJoinAsync);
    }

    /// <summary>
    /// PUT /_matrix/federation/v1/send/{txnId}: at most 50 PDUs and 100 EDUs (else 400). Each PDU gets a result in
    /// <c>pdus</c>, <c>{}</c> or <c>{"error"}</c>; a rejected event is not an error of the transaction ("Rejection").
    /// EDUs go to their handlers (<see cref="Edus.EduDispatcher"/>). A retried transaction (same origin and id) gets the first answer again.
    /// </summary>
    private static async Task<IResult> SendTransactionAsync(string txnId, FederationRequest request, IFederationInbox inbox, Edus.EduDispatcher edus, TransactionResults results, HttpContext http)
    {
        if (results.TryGet(request.Origin, txnId, out var earlier)) return Results.Json(earlier);
        var body = request.Body;
        if (body["pdus"] is not JsonArray pdus) throw FederationError.BadJson("pdus must be an array");
        if (body["edus"] is not (null or JsonArray)) throw FederationError.BadJson("edus must be an array");
        var eduCount = (body["edus"] as JsonArray)?.Count ?? 0;
        if (pdus.Count > MaxPdus || eduCount > MaxEdus)
            throw FederationError.BadJson($"a transaction carries at most {MaxPdus} PDUs and {MaxEdus} EDUs");
        var objects = new List<JsonObject>(pdus.Count);
        foreach (var pdu in pdus)
        {
            if (pdu is JsonObject o) objects.Add((JsonObject)o.DeepClone());
        }
        var response = new JsonObject { ["pdus"] = await inbox.ReceivePdusAsync(request.Origin, objects, http.RequestAborted) };
        // EDUs after the PDUs (a receipt may name an event of this very transaction); they carry no results.
        await edus.DispatchAsync(request.Origin, body["edus"] as JsonArray, http.RequestAborted);
        results.Set(request.Origin, txnId, response);
        return Results.Json(response);
    }

    /// <summary>GET /_matrix/federation/v1/event/{eventId}: a transaction holding the one PDU; 404 when unknown or not visible to the origin.</summary>
    private static async Task<IResult> GetEventAsync(string eventId, FederationRequest request, IFederationRoomReads reads, FederationOptions options, TimeProvider time, HttpContext http)
    {
        var pdu = await reads.GetEventAsync(request.Origin, eventId, http.RequestAborted) ?? throw FederationError.NotFound("Event not found");
        return Results.Json(new JsonObject
        {
            ["origin"] = options.ServerName,
            ["origin_server_ts"] = time.GetUtcNow().ToUnixTimeMilliseconds(),
            ["pdus"] = new JsonArray(pdu),
        });
    }

    /// <summary>
    /// GET /_matrix/federation/v1/state/{roomId} and /state_ids/{roomId} with <c>event_id</c>: the state before that
    /// event and its auth chain, as PDUs (<c>pdus</c>, <c>auth_chain</c>) or ids (<c>pdu_ids</c>, <c>auth_chain_ids</c>).
    /// </summary>
    private static async Task<IResult> StateAsync(string roomId, FederationRequest request, HttpContext http, IFederationRoomReads reads, bool idsOnly)
    {
        var eventId = http.Request.Query["event_id"].FirstOrDefault() ?? throw FederationError.MissingParam("event_id");
        var answer = await reads.StateBeforeAsync(request.Origin, roomId, eventId, http.RequestAborted) ?? throw FederationError.NotFound("Event not found");
        if (!idsOnly)
            return Results.Json(new JsonObject { ["pdus"] = Array(answer.State), ["auth_chain"] = Array(answer.AuthChain) });
        return Results.Json(new JsonObject { ["pdu_ids"] = Ids(answer.StateIds), ["auth_chain_ids"] = Ids(answer.AuthChainIds) });
    }

    /// <summary>GET /_matrix/federation/v1/event_auth/{roomId}/{eventId}: the event's full auth chain.</summary>
    private static async Task<IResult> GetEventAuthAsync(string roomId, string eventId, FederationRequest request, IFederationRoomReads reads, HttpContext http)
    {
        var chain = await reads.AuthChainAsync(request.Origin, roomId, eventId, http.RequestAborted) ?? throw FederationError.NotFound("Event not found");
        return Results.Json(new JsonObject { ["auth_chain"] = Array(chain) });
    }

    /// <summary>GET /_matrix/federation/v1/backfill/{roomId}?v=…&amp;limit=: a transaction of up to <c>limit</c> events from the <c>v</c> events backwards.</summary>
    private static async Task<IResult> BackfillAsync(string roomId, FederationRequest request, IFederationRoomReads reads, FederationOptions options, TimeProvider time, HttpContext http)
    {
        var from = http.Request.Query["v"].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToList();
        if (from.Count == 0) throw FederationError.MissingParam("v");
        if (!int.TryParse(http.Request.Query["limit"].FirstOrDefault(), out var limit)) throw FederationError.MissingParam("limit");
        var pdus = await reads.BackfillAsync(request.Origin, roomId, from, limit, http.RequestAborted) ?? throw FederationError.Forbidden("Not in the room");
        return Results.Json(new JsonObject
        {
            ["origin"] = options.ServerName,
            ["origin_server_ts"] = time.GetUtcNow().ToUnixTimeMilliseconds(),
            ["pdus"] = Array(pdus),
        });
    }

    /// <summary>
    /// POST /_matrix/federation/v1/get_missing_events/{roomId}: <c>{earliest_events, latest_events, limit (10), min_depth (0)}</c>
    /// → <c>{events}</c>, the events between them, oldest first.
    /// </summary>
    private static async Task<IResult> GetMissingEventsAsync(string roomId, FederationRequest request, IFederationRoomReads reads, HttpContext http)
    {
        var body = request.Body;
        if (body["earliest_events"] is not JsonArray earliest || body["latest_events"] is not JsonArray latest)
            throw FederationError.BadJson("earliest_events and latest_events must be arrays");
        var limit = body["limit"] is JsonValue l && l.TryGetValue(out int given) ? given : 10;
        var minDepth = body["min_depth"] is JsonValue d && d.TryGetValue(out long depth) ? depth : 0;
        var events = await reads.MissingEventsAsync(request.Origin, roomId, Strings(earliest), Strings(latest), limit, minDepth, http.RequestAborted)
            ?? throw FederationError.Forbidden("Not in the room");
        return Results.Json(new JsonObject { ["events"] = Array(events) });
    }

    private static List<string> Strings(JsonArray array) => [.. array.OfType<JsonValue>().Select(v => v.TryGetValue(out string? s) ? s : null).OfType<string>()];

    /// <summary>
    /// GET /_matrix/federation/v1/make_join/{roomId}/{userId}?ver=…: a join template. The user must be of the origin
    /// server; without <c>ver</c> the joining server is taken to support only version 1.
    /// </summary>
    private static async Task<IResult> MakeJoinAsync(string roomId, string userId, FederationRequest request, IFederationJoins joins, HttpContext http)
    {
        if (!userId.EndsWith(":" + request.Origin, StringComparison.Ordinal)) throw FederationError.Forbidden("The user is not of the requesting server");
        var versions = http.Request.Query["ver"].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToList();
        if (versions.Count == 0) versions.Add("1");
        return Results.Json(await joins.MakeJoinAsync(request.Origin, roomId, userId, versions, http.RequestAborted));
    }

    /// <summary>
    /// PUT /_matrix/federation/v2/send_join/{roomId}/{eventId}: the signed join. <c>omit_members</c> (partial state) is
    /// allowed to be ignored: the full state is always returned, with <c>members_omitted</c> false.
    /// </summary>
    private static async Task<IResult> SendJoinAsync(string roomId, string eventId, FederationRequest request, IFederationJoins joins, HttpContext http)
    {
        var answer = await joins.SendJoinAsync(request.Origin, roomId, eventId, (JsonObject)request.Body.DeepClone(), http.RequestAborted);
        answer["members_omitted"] = false;
        return Results.Json(answer);
    }

    private static JsonArray Array(IEnumerable<JsonObject> pdus) => new([.. pdus.Select(p => (JsonNode)p.DeepClone())]);

    private static JsonArray Ids(IEnumerable<string> ids) => new([.. ids.Select(id => (JsonNode?)id)]);
}
