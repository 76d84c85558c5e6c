namespace Messenger.Federation.Protocol.Json;

/// <summary>The canonical bytes of a JSON value, or why it has none (a float, an out-of-range integer, invalid text).</summary>
public readonly record struct CanonicalJsonResult
{
    private CanonicalJsonResult(byte[]? bytes, string? error)
    {
        Bytes = bytes;
        Error = error;
    }

    public byte[]? Bytes { get; }
    public string? Error { get; }

    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(Bytes))]
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Bytes is not null;

    public static CanonicalJsonResult Success(byte[] bytes) => new(bytes, null);
    public static CanonicalJsonResult Failure(string error) => new(null, error);

    /// <summary>The bytes as UTF-8 text (for tests and logs).</summary>
    public override string ToString() => IsSuccess ? System.Text.Encoding.UTF8.GetString(Bytes) : "error: " + Error;
}
