using System.Text.Json.Nodes;
using Messenger.Federation.Client;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.Signing;
using Messenger.Homeserver.ClientApi.Rooms;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.RoomServer.Remote;

namespace Messenger.Homeserver.FederationApi;

/// <summary>
/// The inviting server's half of "Inviting to a room": the invite goes to the invitee's server (<c>PUT /v2/invite</c>
/// with the room version and <c>invite_room_state</c> as PDUs) before it is stored. We keep our own event and take only
/// the invitee server's signature from the answer, after checking it; the event id must not change. A refusal (403)
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
        JsonObject answer;
        try
        {
            answer = await client.PutJsonAsync(server, $"/_matrix/federation/v2/invite/{Uri.EscapeDataString(room.RoomId)}/{Uri.EscapeDataString(invite.EventId)}",
                body, ct, FederationCallOptions.NoRetry);
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

        if (answer["event"]?["signatures"]?[server] is not JsonObject theirs)
            throw new MatrixException(MatrixErrorCode.Unknown, $"{server} returned the invite without its signature", 502);
        var json = invite.Json.DeepClone().AsObject();
        json["signatures"]![server] = theirs.DeepClone();
        var cosigned = PduFormat.Parse(json, room.Version);
        if (!cosigned.IsSuccess || cosigned.Value.EventId != invite.EventId || !await SignedByAsync(cosigned.Value, server, theirs, ct))
            throw new MatrixException(MatrixErrorCode.Unknown, $"{server}'s signature on the invite does not verify", 502);
        return cosigned.Value;
    }

    private async Task<bool> SignedByAsync(Pdu pdu, string server, JsonObject signatures, CancellationToken ct)
    {
        var wanted = signatures.Select(kv => new ServerKeyId(server, kv.Key)).ToList();
        var found = await keys.GetKeysAsync(wanted, pdu.RoomVersion.EnforceKeyValidity ? pdu.OriginServerTs : 0, ct);
        VerifyKeyLookup lookup = (name, keyId) => found.GetValueOrDefault(new ServerKeyId(name, keyId));
        return PduSignatures.IsSignedBy(pdu, server, lookup);
    }
}
