using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Messenger.Federation.Protocol.Identifiers;

/// <summary>
/// A homeserver's name: <c>hostname [ ":" port ]</c>, the hostname a DNS name, a dotted-quad IPv4 literal or a
/// bracketed IPv6 literal (appendix, "Server Name"). Compared case-sensitively, as the spec requires.
/// </summary>
public readonly record struct ServerName
{
    private ServerName(string value, string host, int? port)
    {
        Value = value;
        Host = host;
        Port = port;
    }

    /// <summary>The server name exactly as written, port included.</summary>
    public string Value { get; }

    /// <summary>The hostname; an IPv6 literal keeps its brackets.</summary>
    public string Host { get; }

    /// <summary>The explicit port, or null when none was given.</summary>
    public int? Port { get; }

    public bool IsIpLiteral => Host.StartsWith('[') || IsIPv4Literal(Host);

    public override string ToString() => Value;

    public static bool IsValid([NotNullWhen(true)] string? text) => TryParse(text, out _);

    public static ServerName Parse(string text) =>
        TryParse(text, out var name) ? name : throw new FormatException($"'{text}' is not a valid server name");

    public static bool TryParse([NotNullWhen(true)] string? text, out ServerName name)
    {
        name = default;
        if (string.IsNullOrEmpty(text)) return false;

        string host;
        ReadOnlySpan<char> portText;
        if (text[0] == '[')
        {
            var close = text.IndexOf(']');
            if (close < 0) return false;
            host = text[..(close + 1)];
            var rest = text.AsSpan(close + 1);
            if (!rest.IsEmpty && rest[0] != ':') return false;
            portText = rest.IsEmpty ? default : rest[1..];
            if (!rest.IsEmpty && portText.IsEmpty) return false;
            if (!IsIPv6Literal(host.AsSpan(1, host.Length - 2))) return false;
        }
        else
        {
            var colon = text.IndexOf(':');
            host = colon < 0 ? text : text[..colon];
            portText = colon < 0 ? default : text.AsSpan(colon + 1);
            if (colon >= 0 && portText.IsEmpty) return false;
            if (!IsIPv4Literal(host) && !IsDnsName(host)) return false;
        }

        int? port = null;
        if (!portText.IsEmpty)
        {
            if (portText.Length > 5) return false;
            foreach (var c in portText)
            {
                if (c is < '0' or > '9') return false;
            }
            var value = int.Parse(portText, System.Globalization.CultureInfo.InvariantCulture);
            if (value > 65535) return false;
            port = value;
        }

        name = new ServerName(text, host, port);
        return true;
    }

    /// <summary><c>IPv6address = 2*45IPv6char</c>, and the text must be an RFC 3513 address (no zone id).</summary>
    private static bool IsIPv6Literal(ReadOnlySpan<char> text)
    {
        if (text.Length is < 2 or > 45) return false;
        foreach (var c in text)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f') or (>= 'A' and <= 'F') or ':' or '.')) return false;
        }
        return IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;
    }

    /// <summary>Four decimal numbers of 1–3 digits, each 0–255, separated by dots.</summary>
    private static bool IsIPv4Literal(string host)
    {
        var parts = host.Split('.');
        if (parts.Length != 4) return false;
        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit)) return false;
            if (int.Parse(part, System.Globalization.CultureInfo.InvariantCulture) > 255) return false;
        }
        return true;
    }

    /// <summary>
    /// <c>dns-name = 1*255dns-char</c> with <c>dns-char = DIGIT / ALPHA / "-" / "."</c>, made of non-empty labels
    /// (the appendix's "series of labels separated by '.'"). Four all-digit labels must be a valid IPv4 literal
    /// instead, so <c>1.2.3.256</c> is refused rather than taken for a host name.
    /// </summary>
    private static bool IsDnsName(string host)
    {
        if (host.Length is 0 or > 255) return false;
        var allDigitsAndDots = true;
        var labelLength = 0;
        foreach (var c in host)
        {
            if (c == '.')
            {
                if (labelLength == 0) return false;
                labelLength = 0;
                continue;
            }
            if (!char.IsAsciiLetterOrDigit(c) && c != '-') return false;
            if (!char.IsAsciiDigit(c)) allDigitsAndDots = false;
            labelLength++;
        }
        if (labelLength == 0) return false;
        return !(allDigitsAndDots && host.Count(c => c == '.') == 3);
    }
}
