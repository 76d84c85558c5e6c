using System.Buffers;
using System.Text.Encodings.Web;

namespace Messenger.Federation.Protocol.Json;

/// <summary>
/// The escaping of Canonical JSON (appendix, "Canonical JSON" grammar; Python's <c>json.dumps(ensure_ascii=False)</c>):
/// only <c>"</c>, <c>\</c> and the C0 controls are escaped; <c>\b \t \n \f \r</c> get their short forms, the other
/// controls <c>\u00XX</c> with lower-case hex. Every other code point, non-ASCII and U+007F included, is written raw.
/// <see cref="System.Text.Json.Utf8JsonWriter"/> asks this encoder which characters to escape and how.
/// </summary>
internal sealed class CanonicalEscaper : JavaScriptEncoder
{
    public static readonly CanonicalEscaper Instance = new();

    private static readonly SearchValues<byte> EscapedBytes = SearchValues.Create(
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, (byte)'"', (byte)'\\']);

    private static readonly SearchValues<char> EscapedChars = SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f\"\\");

    private CanonicalEscaper()
    {
    }

    public override int MaxOutputCharactersPerInputCharacter => 6;

    public override bool WillEncode(int unicodeScalar) => unicodeScalar is < 0x20 or '"' or '\\';

    public override int FindFirstCharacterToEncodeUtf8(ReadOnlySpan<byte> utf8Text) => utf8Text.IndexOfAny(EscapedBytes);

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength) =>
        new ReadOnlySpan<char>(text, textLength).IndexOfAny(EscapedChars);

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var destination = new Span<char>(buffer, bufferLength);
        numberOfCharactersWritten = 0;
        if (!WillEncode(unicodeScalar))
        {
            // Not escaped: write the scalar as itself (one or two UTF-16 units).
            if (!new System.Text.Rune(unicodeScalar).TryEncodeToUtf16(destination, out var written)) return false;
            numberOfCharactersWritten = written;
            return true;
        }

        var shortForm = unicodeScalar switch
        {
            '"' => '"',
            '\\' => '\\',
            '\b' => 'b',
            '\t' => 't',
            '\n' => 'n',
            '\f' => 'f',
            '\r' => 'r',
            _ => '\0',
        };
        if (shortForm != '\0')
        {
            if (destination.Length < 2) return false;
            destination[0] = '\\';
            destination[1] = shortForm;
            numberOfCharactersWritten = 2;
            return true;
        }

        if (destination.Length < 6) return false;
        const string hex = "0123456789abcdef";
        destination[0] = '\\';
        destination[1] = 'u';
        destination[2] = '0';
        destination[3] = '0';
        destination[4] = hex[unicodeScalar >> 4];
        destination[5] = hex[unicodeScalar & 0xF];
        numberOfCharactersWritten = 6;
        return true;
    }
}
