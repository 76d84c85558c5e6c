using System.Text.Json.Nodes;
using Messenger.Federation.Client;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Federation.Protocol.Signing;
using Messenger.Homeserver.ClientApi.Rooms;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.RoomServer.Remote;

namespace Messenger.Homeserver.FederationApi;

/// <summary>
/// The inviting server's half of "Inviting to a room": the invite goes to the invitee's server (<c>PUT /v2/invite</c>
/// with the room version and <c>invite_room_state</c> as PDUs) before it is stored. We keep our own event and take only
/// the invitee server's signature from the answer, after checking it; the event id must not change. In rooms v1–v2 a
/// server that does not know <c>v2/invite</c> is asked on <c>v1/invite</c>. A refusal (403)
/// reaches the client as <c>M_FORBIDDEN</c>, an incompatible room version as itself (the spec asks to pass it
/// through); a malformed request on our side or an unreachable server as a 5xx error, as the spec prefers over
/// relaying <c>M_INVALID_PARAM</c>.
/// </summary>
public sealed class RemoteInviter(IFederationClient client, RoomEventPipeline pipeline, IPduKeySource keys)
{
    public async Task<Pdu> CountersignAsync(RoomSnapshot room, Pdu invite, CancellationToken ct)
    {
        var server = invite.StateKey![(invite.StateKey!.IndexOf(':') + 1)..];
        var body = new JsonObject
        {
            ["room_version"] = room.Version.Id,
            ["event"] = invite.Json.DeepClone(),
            ["invite_room_state"] = await StrippedRoomState.PdusAsync(pipeline, room, invite.Sender, ct),
        };
        JsonNode? answered;
        try
        {
            answered = await InviteAsync(server, room, invite, body, ct);
        }
        catch (FederationRequestException e)
        {
            throw e switch
            {
                { Status: 403 } => MatrixError.Forbidden($"{server} refused the invite"),
                { Status: 400, Errcode: "M_INCOMPATIBLE_ROOM_VERSION" } => new MatrixException(MatrixErrorCode.IncompatibleRoomVersion,
                    $"{server} does not support room version {room.Version.Id}", extra: new JsonObject { ["room_version"] = room.Version.Id }),
                { Status: null } => new MatrixException(MatrixErrorCode.Unknown, $"Could not reach {server} to invite the user", 502),
                _ => new MatrixException(MatrixErrorCode.Unknown, $"{server} did not accept the invite ({e.Status} {e.Errcode})", 502),
            };
        }

        if (answered?["signatures"]?[server] is not JsonObject theirs)
            throw new MatrixException(MatrixErrorCode.Unknown, $"{server} returned the invite without its signature", 502);
        var json = invite.Json.DeepClone().AsObject();
        json["signatures"]![server] = theirs.DeepClone();
        var cosigned = PduFormat.Parse(json, room.Version);
        if (!cosigned.IsSuccess || cosigned.Value.EventId != invite.EventId || !await SignedByAsync(cosigned.Value, server, theirs, ct))
            throw new MatrixException(MatrixErrorCode.Unknown, $"{server}'s signature on the invite does not verify", 502);
        return cosigned.Value;
    }

    /// <summary>
    /// <c>PUT /v2/invite</c>; in rooms v1–v2 a server that does not know it (404, or 400 <c>M_UNRECOGNIZED</c>) is asked
    /// again on <c>PUT /v1/invite</c>, as invites-v2 tells senders to. Returns the event the invitee's server sent back.
    /// </summary>
    private async Task<JsonNode?> InviteAsync(string server, RoomSnapshot room, Pdu invite, JsonObject body, CancellationToken ct)
    {
        var path = $"/{Uri.EscapeDataString(room.RoomId)}/{Uri.EscapeDataString(invite.EventId)}";
        try
        {
            return (await client.PutJsonAsync(server, "/_matrix/federation/v2/invite" + path, body, ct, FederationCallOptions.NoRetry))["event"];
        }
        catch (FederationRequestException e) when (room.Version.EventFormat == EventFormat.V1 && IsUnknownEndpoint(e))
        {
            // v1 takes the event itself, with the stripped state under unsigned, and answers [200, {"event": ...}].
            var ev = invite.Json.DeepClone().AsObject();
            if (ev["unsigned"] is not JsonObject unsigned) ev["unsigned"] = unsigned = [];
            unsigned["invite_room_state"] = body["invite_room_state"]!.DeepClone();
            using var response = await client.SendRawAsync(server, HttpMethod.Put, "/_matrix/federation/v1/invite" + path, ev, ct);
            var answer = await ReadJsonAsync(response, ct);
            if (!response.IsSuccessStatusCode)
                throw new FederationRequestException(server, (int)response.StatusCode, answer?["errcode"] is JsonValue c && c.TryGetValue(out string? code) ? code : null, "v1 invite refused");
            return answer is JsonArray { Count: 2 } pair && pair[1] is JsonObject container ? container["event"] : null;
        }
    }

    private static bool IsUnknownEndpoint(FederationRequestException e) =>
        e.Status == 404 || (e.Status == 400 && e.Errcode is null or "M_UNRECOGNIZED");

    /// <summary>The answer's JSON, or null when it is not JSON or larger than an invite can be.</summary>
    private static async Task<JsonNode?> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        const int limit = 1024 * 1024;
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }
        try
        {
            return JsonNode.Parse(buffer.ToArray());
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private async Task<bool> SignedByAsync(Pdu pdu, string server, JsonObject signatures, CancellationToken ct)
    {
        var wanted = signatures.Select(kv => new ServerKeyId(server, kv.Key)).ToList();
        var found = await keys.GetKeysAsync(wanted, pdu.RoomVersion.EnforceKeyValidity ? pdu.OriginServerTs : 0, ct);
        VerifyKeyLookup lookup = (name, keyId) => found.GetValueOrDefault(new ServerKeyId(name, keyId));
        return PduSignatures.IsSignedBy(pdu, server, lookup);
    }
}
