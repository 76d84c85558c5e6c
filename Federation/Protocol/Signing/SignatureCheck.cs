namespace Messenger.Federation.Protocol.Signing;

/// <summary>The result of checking an entity's signature on a JSON object, with a reason when it is not valid.</summary>
public readonly record struct SignatureCheck(SignatureStatus Status, string? Reason = null)
{
    public bool IsValid => Status == SignatureStatus.Valid;

    public static SignatureCheck Valid => new(SignatureStatus.Valid);

    public override string ToString() => Reason is null ? Status.ToString() : $"{Status}: {Reason}";
}
