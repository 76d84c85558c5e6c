using System.Diagnostics.CodeAnalysis;

namespace Messenger.Federation.Protocol.Identifiers;

/// <summary>
/// A user id, <c>@localpart:server_name</c> (appendix, "User Identifiers"), at most 255 bytes.
/// <see cref="TryParse"/> accepts the historical grammar (any code point but <c>:</c> and NUL, even an empty
/// localpart) because servers MUST accept such senders in received events; new ids must pass
/// <see cref="TryParseCompliant"/> (<c>[a-z0-9._=\-/+]+</c>).
/// </summary>
public readonly record struct UserId
{
    private UserId(string value, string localpart, ServerName serverName)
    {
        Value = value;
        Localpart = localpart;
        ServerName = serverName;
    }

    public string Value { get; }
    public string Localpart { get; }
    public ServerName ServerName { get; }

    /// <summary>True when the localpart follows the current grammar; false for a historical id.</summary>
    public bool IsCompliant => IdentifierText.IsCompliantUserLocalpart(Localpart);

    public override string ToString() => Value;

    /// <summary>Parses a user id as found in a received event: historical localparts accepted.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out UserId id)
    {
        id = default;
        if (text is null || text.Length < 3 || text[0] != '@' || !IdentifierText.FitsLimit(text)) return false;
        var colon = text.IndexOf(':');
        if (colon < 0) return false;
        var localpart = text[1..colon];
        if (!IdentifierText.IsOpaqueLocalpart(localpart)) return false;
        if (!ServerName.TryParse(text[(colon + 1)..], out var server)) return false;
        id = new UserId(text, localpart, server);
        return true;
    }

    /// <summary>Parses a user id that must follow the current grammar (new registrations, ids we mint).</summary>
    public static bool TryParseCompliant([NotNullWhen(true)] string? text, out UserId id)
    {
        if (TryParse(text, out id) && id.IsCompliant) return true;
        id = default;
        return false;
    }

    /// <summary>Builds a compliant id from its parts; false if the result would break the grammar or the 255-byte limit.</summary>
    public static bool TryCreate(string localpart, ServerName serverName, out UserId id) =>
        TryParseCompliant($"@{localpart}:{serverName.Value}", out id);

    public static UserId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"'{text}' is not a valid user id");

    /// <summary>True when a new user may be given this localpart.</summary>
    public static bool IsValidLocalpart(string localpart) => IdentifierText.IsCompliantUserLocalpart(localpart);
}
