namespace Messenger.Federation.Protocol.Encoding;

/// <summary>
/// The "Unpadded Base64" of the spec's appendix: standard Base64 without trailing '=',
/// and its URL-safe variant (room version 4+ event ids). Decoding accepts padded input too,
/// since the appendix asks implementations to be liberal in what they accept.
/// </summary>
public static class UnpaddedBase64
{
    public static string Encode(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    public static string EncodeUrlSafe(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Decodes standard or URL-safe Base64, padded or not; false on any malformed input.</summary>
    public static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length % 4 == 1) return false;
        var standard = text.TrimEnd('=').Replace('-', '+').Replace('_', '/');
        var padded = standard.PadRight(standard.Length + (4 - standard.Length % 4) % 4, '=');
        try
        {
            bytes = Convert.FromBase64String(padded);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public static byte[] Decode(string text) =>
        TryDecode(text, out var bytes) ? bytes : throw new FormatException("not valid unpadded base64");
}
