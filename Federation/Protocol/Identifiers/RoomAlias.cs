using System.Diagnostics.CodeAnalysis;

namespace Messenger.Federation.Protocol.Identifiers;

/// <summary>A room alias, <c>#alias:server_name</c> (appendix, "Room Aliases"): any code point but <c>:</c> and NUL in the alias, at most 255 bytes.</summary>
public readonly record struct RoomAlias
{
    private RoomAlias(string value, string alias, ServerName serverName)
    {
        Value = value;
        Alias = alias;
        ServerName = serverName;
    }

    public string Value { get; }

    /// <summary>The localpart, without <c>#</c>.</summary>
    public string Alias { get; }

    public ServerName ServerName { get; }

    public override string ToString() => Value;

    public static bool TryParse([NotNullWhen(true)] string? text, out RoomAlias alias)
    {
        alias = default;
        if (text is null || text.Length < 3 || text[0] != '#' || !IdentifierText.FitsLimit(text)) return false;
        var colon = text.IndexOf(':');
        if (colon < 0) return false;
        var local = text[1..colon];
        if (!IdentifierText.IsOpaqueLocalpart(local)) return false;
        if (!ServerName.TryParse(text[(colon + 1)..], out var server)) return false;
        alias = new RoomAlias(text, local, server);
        return true;
    }
}
