namespace Messenger.Federation.Protocol.Signing;

/// <summary>The outcome of "Checking for a Signature" (appendix) for one signing entity.</summary>
public enum SignatureStatus
{
    Valid,

    /// <summary>No <c>signatures</c> entry for the entity (step 1).</summary>
    Missing,

    /// <summary>Signatures exist, but none with a known, unexpired Ed25519 key (steps 2–3).</summary>
    NoKnownKey,

    /// <summary>A signature does not verify, or is not valid base64 (steps 4 and 7).</summary>
    Invalid,

    /// <summary>The object has no canonical form (a float, an out-of-range integer), so nothing can be checked.</summary>
    NotCanonical,
}
