using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;

namespace Messenger.Federation.Protocol.Json;

/// <summary>Parsed JSON, or why it was refused.</summary>
public readonly record struct JsonParseResult
{
    private JsonParseResult(JsonNode? value, string? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The parsed value (null for the JSON literal <c>null</c>, or on failure).</summary>
    public JsonNode? Value { get; }

    public string? Error { get; }

    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    /// <summary>The value as an object, or null if it is something else.</summary>
    public JsonObject? Object => Value as JsonObject;

    public static JsonParseResult Success(JsonNode? value) => new(value, null);
    public static JsonParseResult Failure(string error) => new(null, error);
}
