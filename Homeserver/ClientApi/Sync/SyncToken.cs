using System.Globalization;

namespace Messenger.Homeserver.ClientApi.Sync;

/// <summary>
/// The opaque <c>since</c>/<c>next_batch</c> token of <c>/sync</c>: <c>s{events}_{toDevice}</c>. Every stream shares the
/// event stream's positions (<c>StreamPositions</c>), so one number covers events, device list changes and the rest;
/// to-device has its own because a response carries at most 100 of them and the next one must resume where that
/// one stopped. A token without the second field (older, or hand-made) reads it as equal to the first.
/// </summary>
public readonly record struct SyncToken(long Events, long ToDevice)
{
    public SyncToken(long position) : this(position, position)
    {
    }

    public override string ToString() =>
        ToDevice == Events
            ? string.Create(CultureInfo.InvariantCulture, $"s{Events}")
            : string.Create(CultureInfo.InvariantCulture, $"s{Events}_{ToDevice}");

    public static bool TryParse(string? text, out SyncToken token)
    {
        token = default;
        if (string.IsNullOrEmpty(text) || text[0] != 's') return false;
        var parts = text[1..].Split('_');
        if (parts.Length > 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var events)) return false;
        var toDevice = events;
        if (parts.Length == 2 && (!long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out toDevice) || toDevice > events)) return false;
        token = new SyncToken(events, toDevice);
        return true;
    }
}
