using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Messenger.Federation.Client;
using Messenger.Federation.Protocol.Encoding;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.RoomServer.Remote;

namespace Messenger.Homeserver.FederationApi;

/// <summary>
/// The joining server's half of "Joining Rooms": asks each candidate resident server for a join template
/// (<c>make_join</c>, offering every room version we support), fills it in with our user's content, signs it, sends
/// it (<c>send_join</c> v2), and stores the answer through <see cref="RemoteRoomJoin"/>, which checks every returned
/// event. The first server that works wins; its errors are wrapped, never relayed verbatim.
/// </summary>
public sealed class RemoteJoiner(IFederationClient client, RemoteRoomJoin roomJoin, RoomServerContext context) : IRemoteJoins
{
    private static readonly string VersionQuery = string.Join("&", RoomVersions.All.Select(v => "ver=" + Uri.EscapeDataString(v.Id)));

    public async Task JoinAsync(string roomId, string userId, JsonObject content, IReadOnlyList<string> servers, CancellationToken ct)
    {
        string? lastProblem = null;
        var forbidden = false;
        foreach (var server in servers.Where(s => s != context.ServerName).Distinct(StringComparer.Ordinal))
        {
            try
            {
                var problem = await JoinThroughAsync(server, roomId, userId, content, ct);
                if (problem is null) return;
                lastProblem = problem;
            }
            catch (FederationRequestException e)
            {
                lastProblem = $"{server} answered {e.Status?.ToString() ?? "nothing"} {e.Errcode}";
                forbidden |= e.Status == 403;
            }
        }
        if (forbidden) throw MatrixError.Forbidden("The room's servers refused the join");
        throw MatrixError.NotFound(lastProblem is null ? "No known servers for this room" : "Could not join through any server: " + lastProblem);
    }

    /// <returns>Null when joined, else why this server could not be used.</returns>
    private async Task<string?> JoinThroughAsync(string server, string roomId, string userId, JsonObject content, CancellationToken ct)
    {
        var path = $"/_matrix/federation/v1/make_join/{Uri.EscapeDataString(roomId)}/{Uri.EscapeDataString(userId)}?{VersionQuery}";
        var made = await client.GetJsonAsync(server, path, ct);
        var versionId = made["room_version"] is JsonValue v && v.TryGetValue(out string? id) ? id : "1";
        if (RoomVersions.Find(versionId) is not { } version) return $"{server} offered unsupported room version {versionId}";
        if (made["event"] is not JsonObject template) return $"{server} sent no join template";

        var joinContent = content.DeepClone().AsObject();
        if (template["content"]?["join_authorised_via_users_server"] is JsonValue authoriser) joinContent["join_authorised_via_users_server"] = authoriser.DeepClone();
        var draft = new EventDraft
        {
            Type = EventTypes.Member, Sender = userId, StateKey = userId, RoomId = roomId, Content = joinContent,
            PrevEvents = References(template["prev_events"], version), AuthEvents = References(template["auth_events"], version),
            Depth = template["depth"] is JsonValue d && d.TryGetValue(out long depth) ? depth : 1,
            OriginServerTs = context.Time.GetUtcNow().ToUnixTimeMilliseconds(),
            EventIdOpaquePart = version.EventIdInEvent ? UnpaddedBase64.EncodeUrlSafe(RandomNumberGenerator.GetBytes(12)) : null,
        };
        var built = PduBuilder.Build(draft, version, context.ServerName, context.SigningKey);
        if (!built.IsSuccess) return $"{server}'s template does not make a valid event: {built.Error}";

        var sent = await client.PutJsonAsync(server, $"/_matrix/federation/v2/send_join/{Uri.EscapeDataString(roomId)}/{Uri.EscapeDataString(built.Value.EventId)}",
            built.Value.Json.DeepClone().AsObject(), ct);
        // The resident may return the event with its own signature added (restricted joins); it must be the same event.
        var joinEvent = sent["event"] as JsonObject ?? built.Value.Json;
        var returned = PduFormat.Parse(joinEvent.DeepClone().AsObject(), version);
        if (!returned.IsSuccess || returned.Value.EventId != built.Value.EventId) return $"{server} returned another join event";
        var result = await roomJoin.PersistJoinAsync(roomId, version, joinEvent, Objects(sent["state"]), Objects(sent["auth_chain"]), ct);
        return result.Outcome == IngestOutcome.Accepted ? null : $"{server}'s answer did not check out: {result.Reason}";
    }

    private static List<string> References(JsonNode? node, RoomVersion version) =>
        node is not JsonArray array ? []
        : [.. array.Select(item => version.EventFormat == EventFormat.V1 ? (string?)(item as JsonArray)?[0] : (string?)item).OfType<string>()];

    private static List<JsonObject> Objects(JsonNode? node) => node is JsonArray array ? [.. array.OfType<JsonObject>().Select(o => o.DeepClone().AsObject())] : [];
}
