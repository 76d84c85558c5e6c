using System.Text.Json;
using System.Text.Json.Nodes;

namespace Messenger.Federation.Protocol.Json;

/// <summary>
/// Parses JSON received from the network more strictly than <see cref="JsonNode.Parse(string, JsonNodeOptions?, JsonDocumentOptions)"/>:
/// duplicate keys in an object are refused (which copy would be signed is ambiguous), strings must decode to valid
/// Unicode, and with <paramref name="strictNumbers"/> (room version 6+, "Canonical JSON" of the room versions) numbers must be
/// plain integers in [-(2^53)+1, (2^53)-1] — a fraction or exponent is a float and refused. NaN and Infinity are not
/// JSON and never parse. A first pass with <see cref="Utf8JsonReader"/> checks; <see cref="JsonNode"/> then builds the tree.
/// </summary>
public static class StrictJson
{
    /// <summary>Deeper nesting than this is refused (System.Text.Json's default).</summary>
    public const int MaxDepth = 64;

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = MaxDepth,
    };

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = MaxDepth,
    };

    /// <param name="utf8">The JSON text as UTF-8.</param>
    /// <param name="strictNumbers">Enforce Canonical JSON's integer-only numbers (room version 6+ events, and every signed object we check).</param>
    public static JsonParseResult Parse(ReadOnlySpan<byte> utf8, bool strictNumbers = true)
    {
        var error = Check(utf8, strictNumbers);
        if (error is not null) return JsonParseResult.Failure(error);
        try
        {
            return JsonParseResult.Success(JsonNode.Parse(utf8, documentOptions: DocumentOptions));
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            return JsonParseResult.Failure("invalid JSON: " + e.Message);
        }
    }

    /// <summary>As <see cref="Parse"/>, but the top-level value must be an object (events, request bodies).</summary>
    public static JsonParseResult ParseObject(ReadOnlySpan<byte> utf8, bool strictNumbers = true)
    {
        var result = Parse(utf8, strictNumbers);
        if (!result.IsSuccess) return result;
        return result.Value is JsonObject ? result : JsonParseResult.Failure("expected a JSON object");
    }

    public static JsonParseResult Parse(string text, bool strictNumbers = true) =>
        Parse(System.Text.Encoding.UTF8.GetBytes(text), strictNumbers);

    private static string? Check(ReadOnlySpan<byte> utf8, bool strictNumbers)
    {
        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        // One key set per open object; null for arrays, so the stack mirrors the nesting.
        var open = new Stack<HashSet<string>?>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        open.Push(new HashSet<string>(StringComparer.Ordinal));
                        break;
                    case JsonTokenType.StartArray:
                        open.Push(null);
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        open.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        if (!open.Peek()!.Add(name)) return $"duplicate key \"{name}\"";
                        break;
                    case JsonTokenType.String:
                        // Unescaped text was validated as UTF-8 by the reader; escapes may still spell lone surrogates.
                        if (reader.ValueIsEscaped) _ = reader.GetString();
                        break;
                    case JsonTokenType.Number:
                        if (strictNumbers && NumberError(ref reader) is { } numberError) return numberError;
                        break;
                }
            }
            return null;
        }
        catch (JsonException e)
        {
            return "invalid JSON: " + e.Message;
        }
        catch (InvalidOperationException e)
        {
            return "invalid string: " + e.Message;
        }
    }

    private static string? NumberError(ref Utf8JsonReader reader)
    {
        ReadOnlySpan<byte> raw = reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan;
        if (raw.IndexOfAny((byte)'.', (byte)'e', (byte)'E') >= 0)
            return $"number {System.Text.Encoding.UTF8.GetString(raw)} is not an integer; floats are not allowed";
        if (!reader.TryGetInt64(out var value) || value > CanonicalJson.MaxSafeInteger || value < -CanonicalJson.MaxSafeInteger)
            return $"integer {System.Text.Encoding.UTF8.GetString(raw)} is outside [-(2^53)+1, (2^53)-1]";
        return null;
    }
}
