using System.Globalization;
using System.Text.Json.Nodes;
using Messenger.Federation.Http;
using Messenger.Federation.Ports;
using Messenger.Federation.XMatrix;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Messenger.Federation.Endpoints;

/// <summary>"Retrieving events" by time: another server looking for the event nearest a timestamp in a room we share.</summary>
public static class TimestampEndpoints
{
    public static void MapTimestampEndpoints(this RouteGroupBuilder federation) =>
        federation.MapGet("/v1/timestamp_to_event/{roomId}", TimestampToEventAsync);

    /// <summary>
    /// GET /_matrix/federation/v1/timestamp_to_event/{roomId}?ts=&amp;dir=f|b: <c>{event_id, origin_server_ts}</c>; both
    /// parameters required (400 <c>M_MISSING_PARAM</c> / <c>M_INVALID_PARAM</c>), none found 404 <c>M_NOT_FOUND</c>.
    /// </summary>
    private static async Task<IResult> TimestampToEventAsync(string roomId, FederationRequest request, IRoomTimestamps timestamps, HttpContext http)
    {
        var tsText = http.Request.Query["ts"].FirstOrDefault() ?? throw FederationError.MissingParam("ts");
        if (!long.TryParse(tsText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ts)) throw FederationError.InvalidParam("ts must be an integer");
        var forwards = http.Request.Query["dir"].FirstOrDefault() switch
        {
            "f" => true,
            "b" => false,
            null => throw FederationError.MissingParam("dir"),
            _ => throw FederationError.InvalidParam("dir must be 'f' or 'b'"),
        };
        var found = await timestamps.NearestAsync(request.Origin, roomId, ts, forwards, http.RequestAborted)
            ?? throw FederationError.NotFound($"Unable to find event from {ts} in {(forwards ? "forward" : "backward")} direction");
        return Results.Json(new JsonObject { ["event_id"] = found.EventId, ["origin_server_ts"] = found.OriginServerTs });
    }
}
