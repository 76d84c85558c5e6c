using System.Text.Json.Nodes;
using Messenger.Federation.Http;
using Messenger.Federation.Keys;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Federation.Protocol.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Messenger.Federation.Endpoints;

/// <summary>
/// The key API under <c>/_matrix/key/v2</c> ("Retrieving server keys"). None of it needs authentication: a server
/// must be able to learn keys before it can check any signature.
/// </summary>
public static class KeyEndpoints
{
    /// <summary>Servers one notary POST may ask about; more is a request to make us a traffic amplifier.</summary>
    public const int MaxServersPerQuery = 100;

    public static void MapKeyEndpoints(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/_matrix/key/v2");
        keys.MapGet("/server", GetServerKey);
        // The key id in the path is deprecated and ignored, as the whole key set answers it (Synapse serves it too).
        keys.MapGet("/server/{keyId}", GetServerKey);
        keys.MapGet("/query/{serverName}", QueryOneAsync);
        keys.MapPost("/query", QueryManyAsync);
    }

    /// <summary>GET /_matrix/key/v2/server: our keys, self-signed, valid for the configured period ("Publishing Keys").</summary>
    private static IResult GetServerKey(LocalServerKeys local) => Results.Json(local.BuildResponse());

    /// <summary>
    /// GET /_matrix/key/v2/query/{serverName}: the server's keys, valid until at least <c>minimum_valid_until_ts</c>
    /// (now when absent), signed by us; an empty list when it is unreachable and nothing is cached.
    /// </summary>
    private static async Task<IResult> QueryOneAsync(string serverName, HttpContext context, KeyNotary notary)
    {
        if (!ServerName.IsValid(serverName)) throw FederationError.InvalidParam("serverName is not a valid server name");
        long? minimum = null;
        if (context.Request.Query["minimum_valid_until_ts"] is { Count: > 0 } values)
        {
            if (!long.TryParse(values[0], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var ts))
                throw FederationError.InvalidParam("minimum_valid_until_ts must be an integer");
            minimum = ts;
        }
        var answers = await notary.QueryAsync(serverName, [], minimum, context.RequestAborted);
        return Results.Json(new JsonObject { ["server_keys"] = new JsonArray(answers.ToArray<JsonNode?>()) });
    }

    /// <summary>POST /_matrix/key/v2/query: several servers at once; unreachable servers without cached keys are left out.</summary>
    private static async Task<IResult> QueryManyAsync(HttpContext context, KeyNotary notary)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = StrictJson.ParseObject(buffer.ToArray(), strictNumbers: false);
        if (!body.IsSuccess) throw FederationError.NotJson("Content not JSON.");
        if (body.Object!["server_keys"] is not JsonObject servers) throw FederationError.BadJson("server_keys must be an object");
        if (servers.Count > MaxServersPerQuery) throw FederationError.BadJson($"at most {MaxServersPerQuery} servers per query");

        var queries = new List<Task<IReadOnlyList<JsonObject>>>();
        foreach (var (serverName, criteria) in servers)
        {
            if (!ServerName.IsValid(serverName)) continue;
            if (criteria is not JsonObject byKey) throw FederationError.BadJson($"server_keys.{serverName} must be an object");
            long? minimum = null;
            foreach (var (_, criterion) in byKey)
            {
                if (criterion is JsonObject c && c["minimum_valid_until_ts"] is JsonValue v && v.TryGetValue<long>(out var ts))
                    minimum = Math.Max(minimum ?? ts, ts);
            }
            queries.Add(notary.QueryAsync(serverName, byKey.Select(k => k.Key).ToList(), minimum, context.RequestAborted));
        }
        var all = (await Task.WhenAll(queries)).SelectMany(a => a).ToArray<JsonNode?>();
        return Results.Json(new JsonObject { ["server_keys"] = new JsonArray(all) });
    }
}
