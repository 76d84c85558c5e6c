using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Messenger.Federation.Protocol.Json;

/// <summary>
/// Encodes JSON as Canonical JSON (appendix, "Canonical JSON"): UTF-8, no insignificant whitespace, object keys sorted by
/// code point, only the escapes of <see cref="CanonicalEscaper"/>, numbers as plain integers. Integral numbers written
/// otherwise (<c>-0</c>, <c>1e10</c>) are normalised, as the appendix's examples require; fractions are refused.
/// Built on <see cref="Utf8JsonWriter"/>; failures are values, never exceptions.
/// </summary>
public static class CanonicalJson
{
    /// <summary>The largest integer Canonical JSON allows, 2^53 - 1 (the smallest is its negation).</summary>
    public const long MaxSafeInteger = 9_007_199_254_740_991;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = CanonicalEscaper.Instance,
        Indented = false,
        SkipValidation = true,
    };

    public static CanonicalJsonResult Encode(JsonNode? node, CanonicalNumbers numbers = CanonicalNumbers.Strict) =>
        Encode(node, [], numbers);

    /// <summary>Encodes an object leaving out some top-level keys (e.g. <c>signatures</c>, <c>unsigned</c>) without copying it.</summary>
    public static CanonicalJsonResult Encode(JsonNode? node, ReadOnlySpan<string> excludedTopLevelKeys, CanonicalNumbers numbers = CanonicalNumbers.Strict)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        var error = TryWrite(node, buffer, excludedTopLevelKeys, numbers);
        return error is null ? CanonicalJsonResult.Success(buffer.WrittenSpan.ToArray()) : CanonicalJsonResult.Failure(error);
    }

    public static CanonicalJsonResult Encode(JsonElement element, CanonicalNumbers numbers = CanonicalNumbers.Strict) =>
        Encode(JsonSerializer.SerializeToNode(element), numbers);

    /// <summary>Writes the canonical form into <paramref name="output"/>; returns null on success or the reason it cannot be encoded.</summary>
    public static string? TryWrite(JsonNode? node, IBufferWriter<byte> output, ReadOnlySpan<string> excludedTopLevelKeys, CanonicalNumbers numbers)
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        try
        {
            if (node is JsonObject obj && excludedTopLevelKeys.Length > 0)
                WriteObject(writer, obj, excludedTopLevelKeys, numbers);
            else
                WriteNode(writer, node, numbers);
            writer.Flush();
            return null;
        }
        catch (NotCanonicalException e)
        {
            return e.Message;
        }
        catch (ArgumentException e)
        {
            // Utf8JsonWriter refuses strings that are not valid UTF-16 (lone surrogates): no UTF-8 form exists.
            return "string is not valid Unicode: " + e.Message;
        }
        catch (InvalidOperationException e)
        {
            return "value cannot be encoded: " + e.Message;
        }
    }

    private static void WriteNode(Utf8JsonWriter writer, JsonNode? node, CanonicalNumbers numbers)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                WriteObject(writer, obj, [], numbers);
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array) WriteNode(writer, item, numbers);
                writer.WriteEndArray();
                break;
            case JsonValue value:
                WriteValue(writer, value, numbers);
                break;
        }
    }

    private static void WriteObject(Utf8JsonWriter writer, JsonObject obj, ReadOnlySpan<string> excluded, CanonicalNumbers numbers)
    {
        var count = obj.Count;
        var keys = ArrayPool<string>.Shared.Rent(count);
        try
        {
            var n = 0;
            foreach (var property in obj)
            {
                if (excluded.Length > 0 && excluded.Contains(property.Key)) continue;
                keys[n++] = property.Key;
            }
            Array.Sort(keys, 0, n, CodePointComparer.Instance);
            writer.WriteStartObject();
            for (var i = 0; i < n; i++)
            {
                writer.WritePropertyName(CheckedString(keys[i]));
                WriteNode(writer, obj[keys[i]], numbers);
            }
            writer.WriteEndObject();
        }
        finally
        {
            ArrayPool<string>.Shared.Return(keys, clearArray: true);
        }
    }

    private static void WriteValue(Utf8JsonWriter writer, JsonValue value, CanonicalNumbers numbers)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                writer.WriteStringValue(CheckedString(value.GetValue<string>()));
                break;
            case JsonValueKind.True:
                writer.WriteBooleanValue(true);
                break;
            case JsonValueKind.False:
                writer.WriteBooleanValue(false);
                break;
            case JsonValueKind.Null:
                writer.WriteNullValue();
                break;
            case JsonValueKind.Number:
                WriteNumber(writer, value, numbers);
                break;
            default:
                throw new NotCanonicalException($"unsupported JSON value kind {value.GetValueKind()}");
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, JsonValue value, CanonicalNumbers numbers)
    {
        if (value.TryGetValue<long>(out var integer))
        {
            WriteInteger(writer, integer, numbers);
            return;
        }
        if (value.TryGetValue<int>(out var small))
        {
            WriteInteger(writer, small, numbers);
            return;
        }
        // Anything else (parsed text, ulong, double, decimal...): read the number's JSON text and judge it.
        WriteNumberText(writer, value.ToJsonString(), numbers);
    }

    private static void WriteInteger(Utf8JsonWriter writer, long integer, CanonicalNumbers numbers)
    {
        if (numbers == CanonicalNumbers.Strict && (integer > MaxSafeInteger || integer < -MaxSafeInteger))
            throw new NotCanonicalException($"integer {integer} is outside [-(2^53)+1, (2^53)-1]");
        writer.WriteNumberValue(integer);
    }

    private static void WriteNumberText(Utf8JsonWriter writer, string text, CanonicalNumbers numbers)
    {
        var isPlainInteger = text.AsSpan().IndexOfAny('.', 'e', 'E') < 0;
        if (isPlainInteger && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            WriteInteger(writer, integer, numbers);
            return;
        }
        if (isPlainInteger)
        {
            // Beyond 64 bits: only the lenient mode keeps it, digits as they were (JSON already forbids leading zeros).
            if (numbers == CanonicalNumbers.Strict)
                throw new NotCanonicalException($"integer {text} is outside [-(2^53)+1, (2^53)-1]");
            writer.WriteRawValue(text.TrimStart('-').All(c => c == '0') ? "0" : text, skipInputValidation: true);
            return;
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) || !double.IsFinite(real))
            throw new NotCanonicalException($"number {text} cannot be represented");
        if (Math.Floor(real) != real)
            throw new NotCanonicalException($"number {text} is not an integer; Canonical JSON has no floats");
        if (Math.Abs(real) > MaxSafeInteger)
            throw new NotCanonicalException($"number {text} is outside [-(2^53)+1, (2^53)-1]");
        writer.WriteNumberValue((long)real);
    }

    /// <summary>A string with a lone surrogate has no UTF-8 form; the writer would silently substitute U+FFFD.</summary>
    private static string CheckedString(string text)
    {
        var span = text.AsSpan();
        var first = span.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (first < 0) return text;
        for (var i = first; i < span.Length; i++)
        {
            if (char.IsHighSurrogate(span[i]) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1])) i++;
            else if (char.IsSurrogate(span[i])) throw new NotCanonicalException("string contains a lone UTF-16 surrogate");
        }
        return text;
    }

    /// <summary>Unwinds the recursive writer; never leaves this class.</summary>
    private sealed class NotCanonicalException(string message) : Exception(message);
}
