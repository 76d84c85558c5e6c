using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Encoding;
using Messenger.Federation.Protocol.Signing;

namespace Messenger.Federation.Protocol.Events;

/// <summary>
/// The outcome of checking a received event's signatures and content hash, as a value: the event to continue with
/// (the original, or its redacted copy when the hash does not match) or the reason it was dropped.
/// </summary>
public sealed record PduVerification(PduVerdict Verdict, Pdu? Pdu, string? Reason)
{
    /// <summary>
    /// Steps 2–3 of "Checks performed on receipt of a PDU": signatures of the required servers on the redacted event
    /// (else drop), then the content hash (else continue with the redacted event). Pure: keys come from <paramref name="keys"/>.
    /// The event must have passed <see cref="PduFormat.Parse"/> (step 1) first.
    /// </summary>
    public static PduVerification Verify(Pdu pdu, VerifyKeyLookup keys)
    {
        var signatures = PduSignatures.Check(pdu, keys);
        if (!signatures.IsValid) return new PduVerification(PduVerdict.Dropped, null, signatures.ToString());

        var expected = EventHashes.ContentHash(pdu.Json, pdu.RoomVersion);
        if (!expected.IsSuccess) return new PduVerification(PduVerdict.Dropped, null, expected.Error);

        var claimed = pdu.Json["hashes"] is JsonObject hashes && hashes["sha256"] is JsonValue v && v.TryGetValue<string>(out var text)
            && UnpaddedBase64.TryDecode(text, out var bytes) ? bytes : null;
        if (claimed is not null && claimed.AsSpan().SequenceEqual(expected.Value))
            return new PduVerification(PduVerdict.Valid, pdu, null);

        var redacted = new Pdu(Redactor.Redact(pdu.Json, pdu.RoomVersion), pdu.RoomVersion, pdu.EventId);
        return new PduVerification(PduVerdict.Redacted, redacted, "content hash does not match; using the redacted event");
    }
}
