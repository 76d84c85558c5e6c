using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.RoomVersions;

namespace Messenger.Federation.Protocol.Auth;

/// <summary>
/// Reads one power level value the way a room version allows it to be written:
/// integers always; integer strings before v10 (rooms/v1 "m.room.power_levels events accept values as strings");
/// floats, truncated, before v6 (rooms/v1 "... accept values as floats").
/// </summary>
internal static class PowerLevelNumber
{
    /// <summary>Canonical JSON's integer range (appendices "Canonical JSON"), which v6+ rooms enforce.</summary>
    private const long CanonicalMax = (1L << 53) - 1;

    public static bool TryRead(JsonNode? node, RoomVersion version, out long level)
    {
        level = 0;
        if (node is not JsonValue value) return false;
        return value.GetValueKind() switch
        {
            JsonValueKind.Number => TryReadNumber(value, version, out level),
            JsonValueKind.String => !version.IntegerOnlyPowerLevels && TryParseString((string)value!, out level),
            _ => false,
        };
    }

    private static bool TryReadNumber(JsonValue value, RoomVersion version, out long level)
    {
        if (value.TryGetValue(out long l) || TryGetSmallInteger(value, out l))
        {
            level = l;
            return !version.StrictCanonicalJson || (l >= -CanonicalMax && l <= CanonicalMax);
        }
        level = 0;
        // A number that is not a long: a fraction, an exponent, or too large. Only v1–5 accept it (truncated).
        if (version.StrictCanonicalJson || !TryGetDouble(value, out var d)) return false;
        if (!double.IsFinite(d)) return false;
        var truncated = Math.Truncate(d);
        if (truncated is < long.MinValue or >= long.MaxValue) return false;
        level = (long)truncated;
        return true;
    }

    /// <summary>JSON built in code holds CLR values (int, short...), which <c>TryGetValue&lt;long&gt;</c> does not widen.</summary>
    private static bool TryGetSmallInteger(JsonValue value, out long l)
    {
        if (value.TryGetValue(out int i)) { l = i; return true; }
        if (value.TryGetValue(out JsonElement e) && e.TryGetInt64(out l)) return true;
        l = 0;
        return false;
    }

    private static bool TryGetDouble(JsonValue value, out double d)
    {
        if (value.TryGetValue(out d)) return true;
        if (value.TryGetValue(out decimal m)) { d = (double)m; return true; }
        if (value.TryGetValue(out JsonElement e) && e.TryGetDouble(out d)) return true;
        return false;
    }

    /// <summary>
    /// The string form: optional surrounding whitespace, an optional single sign, then base-10 digits
    /// (leading zeros allowed); no decimal point. Spec: rooms/v1 "accept values as strings".
    /// </summary>
    internal static bool TryParseString(string text, out long level)
    {
        level = 0;
        var span = text.AsSpan().Trim();
        if (span.IsEmpty) return false;
        var negative = false;
        if (span[0] is '+' or '-')
        {
            negative = span[0] == '-';
            span = span[1..];
        }
        if (span.IsEmpty) return false;
        foreach (var c in span)
        {
            if (c is < '0' or > '9') return false;
        }
        if (!long.TryParse(span, NumberStyles.None, CultureInfo.InvariantCulture, out var magnitude)) return false;
        level = negative ? -magnitude : magnitude;
        return true;
    }
}
