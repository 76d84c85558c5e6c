namespace Messenger.Federation.Protocol.Signing;

/// <summary>A signature added to an object (unpadded base64), or why the object could not be signed.</summary>
public readonly record struct SigningResult(string? Signature, string? Error)
{
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(Signature))]
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Signature is not null;
}
