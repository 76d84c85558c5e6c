using System.Text.Json;
using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.ClientApi.Filters;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Http;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Sync;

/// <summary>Routes of "Syncing" and "Filtering".</summary>
public static class SyncEndpoints
{
    /// <summary>Long-polls are capped so a client's huge timeout cannot pin a request for hours.</summary>
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(3);

    public static void MapSyncEndpoints(this IEndpointRouteBuilder client)
    {
        client.MapGet("/sync", async (string? since, long? timeout, bool? full_state, string? filter, string? set_presence, Requester requester,
            SyncService sync, FilterStore filters, HttpContext http) =>
        {
            SyncToken? token = null;
            if (since is not null)
            {
                if (!SyncToken.TryParse(since, out var parsed)) throw MatrixError.InvalidParam("Invalid since token");
                token = parsed;
            }
            var wait = TimeSpan.FromMilliseconds(Math.Clamp(timeout ?? 0, 0, (long)MaxTimeout.TotalMilliseconds));
            var syncFilter = SyncFilterDefinition.Parse(await ResolveFilterAsync(filter, requester, filters, http.RequestAborted));
            var presence = set_presence is null ? Presence.PresenceState.Online : Presence.PresenceService.PresenceStateOf(set_presence);
            return MatrixJson.Ok(await sync.SyncAsync(requester, new SyncRequest(token, wait, full_state == true, syncFilter, presence), http.RequestAborted));
        });

        client.MapPost("/user/{userId}/filter", async (string userId, HttpContext http, Requester requester, FilterStore filters) =>
        {
            if (userId != requester.UserId) throw MatrixError.Forbidden("Cannot create filters for other users");
            var filter = await MatrixJson.ReadObjectAsync(http);
            SyncFilterDefinition.Parse(filter); // refuse a malformed filter now, not at every sync that names it
            var id = await filters.AddAsync(userId, filter.ToJsonString(), http.RequestAborted);
            return MatrixJson.Ok(new { filter_id = id.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        });

        client.MapGet("/user/{userId}/filter/{filterId}", async (string userId, string filterId, Requester requester, FilterStore filters, CancellationToken ct) =>
        {
            if (userId != requester.UserId) throw MatrixError.Forbidden("Cannot read filters of other users");
            if (!long.TryParse(filterId, out var id)) throw MatrixError.NotFound("No such filter");
            var json = await filters.FindAsync(userId, id, ct) ?? throw MatrixError.NotFound("No such filter");
            return Results.Content(json, "application/json");
        });
    }

    /// <summary>The <c>filter</c> parameter: an inline JSON object (starts with <c>{</c>) or the id of an uploaded filter.</summary>
    private static async Task<JsonObject?> ResolveFilterAsync(string? filter, Requester requester, FilterStore filters, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(filter)) return null;
        if (filter.StartsWith('{'))
        {
            try
            {
                return JsonNode.Parse(filter) as JsonObject ?? throw MatrixError.BadJson("filter must be a JSON object");
            }
            catch (JsonException)
            {
                throw MatrixError.NotJson("filter is not valid JSON");
            }
        }
        if (!long.TryParse(filter, out var id)) throw MatrixError.InvalidParam("Unknown filter id");
        var json = await filters.FindAsync(requester.UserId, id, ct) ?? throw MatrixError.NotFound("No such filter");
        return JsonNode.Parse(json) as JsonObject;
    }
}
