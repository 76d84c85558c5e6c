using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Encoding;
using Messenger.Federation.Protocol.Keys;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Federation.Protocol.Signing;

namespace Messenger.Federation.Protocol.Events;

/// <summary>
/// "Adding hashes and signatures to outgoing events" (server-server API, "Signing Events"): the content hash goes
/// into <c>hashes.sha256</c>, then the redacted event is signed and the signature copied back, so the signature
/// still verifies after a redaction while the hash detects any change to the full event.
/// </summary>
public static class EventSigning
{
    /// <summary>Hashes and signs <paramref name="ev"/> in place; returns the new signature. <see cref="EventIds.Compute"/> gives the id after.</summary>
    public static SigningResult HashAndSign(JsonObject ev, RoomVersion version, string serverName, ServerSigningKey key)
    {
        var contentHash = EventHashes.ContentHash(ev, version);
        if (!contentHash.IsSuccess) return new SigningResult(null, contentHash.Error);
        ev["hashes"] = new JsonObject { ["sha256"] = UnpaddedBase64.Encode(contentHash.Value) };

        var redacted = Redactor.Redact(ev, version);
        var signed = JsonSignatures.Sign(redacted, serverName, key, EventHashes.NumbersFor(version));
        if (!signed.IsSuccess) return signed;
        ev["signatures"] = redacted["signatures"]!.DeepClone();
        return signed;
    }

    /// <summary>
    /// Adds this server's signature to an event another server built and signed: an invite the invited server is asked
    /// to co-sign ("Inviting to a room"), a restricted join the resident server authorises ("Restricted rooms"). The
    /// redacted event is signed and only our entry is copied in, so the hashes, the other signatures and the event id
    /// (a hash that leaves signatures out) stay as they were.
    /// </summary>
    public static SigningResult AddSignature(JsonObject ev, RoomVersion version, string serverName, ServerSigningKey key)
    {
        var redacted = Redactor.Redact(ev, version);
        var signed = JsonSignatures.Sign(redacted, serverName, key, EventHashes.NumbersFor(version));
        if (!signed.IsSuccess) return signed;
        if (ev["signatures"] is not JsonObject signatures)
        {
            signatures = [];
            ev["signatures"] = signatures;
        }
        signatures[serverName] = redacted["signatures"]![serverName]!.DeepClone();
        return signed;
    }
}
