namespace Messenger.Federation.Protocol.Json;

/// <summary>Which numbers Canonical JSON encoding accepts.</summary>
public enum CanonicalNumbers
{
    /// <summary>Integers in [-(2^53)+1, (2^53)-1] only (appendix, "Canonical JSON"; enforced from room version 6).</summary>
    Strict,

    /// <summary>
    /// Any integer, however large: events of room versions 1–5 "might not be fully compliant", and the appendix asks
    /// servers to handle them where possible. Non-integral numbers are refused in both modes.
    /// </summary>
    AllowLargeIntegers,
}
