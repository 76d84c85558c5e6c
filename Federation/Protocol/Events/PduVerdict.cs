namespace Messenger.Federation.Protocol.Events;

/// <summary>What to do with a received event after its signature and hash checks (server-server API, "Checks performed on receipt of a PDU", steps 2–3).</summary>
public enum PduVerdict
{
    /// <summary>Signatures and content hash are good: use the event as received.</summary>
    Valid,

    /// <summary>Signatures are good but the content hash is not: use the redacted copy (<see cref="PduVerification.Pdu"/>).</summary>
    Redacted,

    /// <summary>A required signature is missing or wrong: drop the event.</summary>
    Dropped,
}
