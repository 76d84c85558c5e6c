using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Federation.Protocol.Signing;

namespace Messenger.Federation.Protocol.Events;

/// <summary>
/// Whose signatures a received event needs and whether they hold (server-server API, "Validating hashes and
/// signatures on received events"): the redacted event must carry a valid signature of the sender's server and,
/// in room versions 1–2, of the server in the event id when it differs.
/// </summary>
public static class PduSignatures
{
    /// <summary>
    /// The servers that must have signed the event. A third-party-invite membership event (an invite carrying
    /// <c>content.third_party_invite</c>) may be sent by another server on the sender's behalf: the spec only requires
    /// that it match the invite, which the auth rules check, so like Synapse no server signature is demanded for it here.
    /// </summary>
    public static IReadOnlyList<string> RequiredServers(Pdu pdu)
    {
        var servers = new List<string>(2);
        if (!IsThirdPartyInvite(pdu) && UserId.TryParse(pdu.Sender, out var sender))
            servers.Add(sender.ServerName.Value);
        if (pdu.RoomVersion.EventFormat == EventFormat.V1
            && EventId.TryParse(pdu.EventId, pdu.RoomVersion, out var id) && id.ServerName is { } origin
            && !servers.Contains(origin.Value))
        {
            servers.Add(origin.Value);
        }
        return servers;
    }

    /// <summary>Checks every required server's signatures on the redacted event; the first failure is the answer.</summary>
    public static SignatureCheck Check(Pdu pdu, VerifyKeyLookup keys)
    {
        var redacted = Redactor.Redact(pdu.Json, pdu.RoomVersion);
        foreach (var server in RequiredServers(pdu))
        {
            var check = Check(redacted, pdu, server, keys);
            if (!check.IsValid) return check;
        }
        return SignatureCheck.Valid;
    }

    /// <summary>
    /// Whether <paramref name="serverName"/> validly signed the event, e.g. the server of
    /// <c>join_authorised_via_users_server</c> for restricted joins (rooms/v8+ auth rules).
    /// </summary>
    public static bool IsSignedBy(Pdu pdu, string serverName, VerifyKeyLookup keys) =>
        Check(Redactor.Redact(pdu.Json, pdu.RoomVersion), pdu, serverName, keys).IsValid;

    /// <summary>From room version 5 a key only counts for events sent before its validity ended (rooms/v5 "Signing key validity period").</summary>
    private static SignatureCheck Check(JsonObject redacted, Pdu pdu, string server, VerifyKeyLookup keys) =>
        JsonSignatures.Verify(redacted, server, keys,
            pdu.RoomVersion.EnforceKeyValidity ? pdu.OriginServerTs : null, EventHashes.NumbersFor(pdu.RoomVersion));

    private static bool IsThirdPartyInvite(Pdu pdu) =>
        pdu.Type == EventTypes.Member
        && pdu.Content["membership"] is JsonValue m && m.TryGetValue<string>(out var membership) && membership == "invite"
        && pdu.Content.ContainsKey("third_party_invite");
}
