using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Http;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>
/// Routes of "Relationships API", "Querying threads in a room", "Event Context" and <c>timestamp_to_event</c>. The
/// relations, threads and timestamp endpoints exist only under <c>/_matrix/client/v1</c>; context under v3 (and r0).
/// </summary>
public static class RelationsEndpoints
{
    public static void MapRelationsEndpoints(this IEndpointRouteBuilder app, IEndpointRouteBuilder client)
    {
        var v1 = app.MapGroup("/_matrix/client/v1");
        v1.MapGet("/rooms/{roomId}/relations/{eventId}", (string roomId, string eventId, string? from, string? to, int? limit, string? dir, bool? recurse,
                Requester requester, RelationsService relations, CancellationToken ct) =>
            RelationsAsync(requester, relations, roomId, eventId, new RelationsRequest(null, null, from, to, limit, dir, recurse), ct));
        v1.MapGet("/rooms/{roomId}/relations/{eventId}/{relType}", (string roomId, string eventId, string relType, string? from, string? to, int? limit,
                string? dir, bool? recurse, Requester requester, RelationsService relations, CancellationToken ct) =>
            RelationsAsync(requester, relations, roomId, eventId, new RelationsRequest(relType, null, from, to, limit, dir, recurse), ct));
        v1.MapGet("/rooms/{roomId}/relations/{eventId}/{relType}/{eventType}", (string roomId, string eventId, string relType, string eventType,
                string? from, string? to, int? limit, string? dir, bool? recurse, Requester requester, RelationsService relations, CancellationToken ct) =>
            RelationsAsync(requester, relations, roomId, eventId, new RelationsRequest(relType, eventType, from, to, limit, dir, recurse), ct));

        v1.MapGet("/rooms/{roomId}/threads", async (string roomId, string? include, string? from, int? limit, Requester requester, ThreadsService threads, CancellationToken ct) =>
            MatrixJson.Ok(await threads.GetThreadsAsync(requester, roomId, include, from, limit, ct)));

        v1.MapGet("/rooms/{roomId}/timestamp_to_event", async (string roomId, string? ts, string? dir, Requester requester, EventContextService context, CancellationToken ct) =>
            MatrixJson.Ok(await context.TimestampToEventAsync(requester, roomId, ts, dir, ct)));

        client.MapGet("/rooms/{roomId}/context/{eventId}", async (string roomId, string eventId, int? limit, string? filter, Requester requester,
                EventContextService context, CancellationToken ct) =>
            MatrixJson.Ok(await context.GetContextAsync(requester, roomId, eventId, limit, filter, ct)));
    }

    private static async Task<IResult> RelationsAsync(Requester requester, RelationsService relations, string roomId, string eventId, RelationsRequest request, CancellationToken ct) =>
        MatrixJson.Ok(await relations.GetRelationsAsync(requester, roomId, eventId, request, ct));
}
