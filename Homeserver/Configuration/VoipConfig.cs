using Microsoft.Extensions.Configuration;

namespace Messenger.Homeserver.Configuration;

/// <summary>
/// The <c>voip</c> section: TURN servers for calls (<c>GET /voip/turnServer</c>), with Synapse's key names. With
/// <c>turn_shared_secret</c>, credentials follow coturn's REST API (<c>use-auth-secret</c>); else fixed
/// <c>turn_username</c>/<c>turn_password</c>; with neither (or no URIs) clients get <c>{}</c> and use no TURN server.
/// </summary>
public sealed class VoipConfig
{
    /// <summary>TURN URIs handed to clients, e.g. <c>turn:turn.example.org:3478?transport=udp</c>. Default: none.</summary>
    [ConfigurationKeyName("turn_uris")]
    public List<string> TurnUris { get; set; } = [];

    /// <summary>The secret shared with the TURN server's <c>static-auth-secret</c>. Default: unset.</summary>
    [ConfigurationKeyName("turn_shared_secret")]
    public string? TurnSharedSecret { get; set; }

    /// <summary>Fixed TURN credentials, used only without a shared secret. Default: unset.</summary>
    [ConfigurationKeyName("turn_username")]
    public string? TurnUsername { get; set; }

    [ConfigurationKeyName("turn_password")]
    public string? TurnPassword { get; set; }

    /// <summary>
    /// How long credentials stay valid: milliseconds, or a number with <c>s</c>, <c>m</c>, <c>h</c>, <c>d</c> or
    /// <c>w</c> (Synapse's duration format). Default: <c>1h</c>, as Synapse.
    /// </summary>
    [ConfigurationKeyName("turn_user_lifetime")]
    public string TurnUserLifetime { get; set; } = "1h";

    /// <summary>Whether guests get credentials. Default: true, as Synapse (calls with guests need TURN as much).</summary>
    [ConfigurationKeyName("turn_allow_guests")]
    public bool TurnAllowGuests { get; set; } = true;

    /// <summary><see cref="TurnUserLifetime"/> parsed; null when it is not a valid positive duration.</summary>
    public TimeSpan? Lifetime => ParseDuration(TurnUserLifetime);

    public static TimeSpan? ParseDuration(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        text = text.Trim();
        var unit = char.IsDigit(text[^1]) ? 'x' : text[^1];
        var number = unit == 'x' ? text : text[..^1];
        if (!long.TryParse(number, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n <= 0) return null;
        return unit switch
        {
            'x' => TimeSpan.FromMilliseconds(n),
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            'w' => TimeSpan.FromDays(7 * n),
            _ => null,
        };
    }
}
