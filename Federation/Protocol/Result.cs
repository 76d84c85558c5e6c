using System.Diagnostics.CodeAnalysis;

namespace Messenger.Federation.Protocol;

/// <summary>
/// A value or the reason there is none. Protocol code returns rejections as data (README: "format errors are values"),
/// so callers branch on <see cref="IsSuccess"/> instead of catching exceptions.
/// </summary>
public readonly record struct Result<T>
    where T : class
{
    private Result(T? value, string? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }
    public string? Error { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Value is not null;

    public static Result<T> Success(T value) => new(value, null);
    public static Result<T> Failure(string error) => new(null, error);

    public static implicit operator Result<T>(T value) => Success(value);

    public override string ToString() => IsSuccess ? $"ok: {Value}" : $"error: {Error}";
}
