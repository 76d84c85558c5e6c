using System.Globalization;

namespace Messenger.Homeserver.ClientApi.Sync;

/// <summary>
/// The opaque <c>since</c>/<c>next_batch</c> token of <c>/sync</c>: positions in each stream a sync covers,
/// written <c>s{events}</c>. More streams (to-device, account data, receipts, typing, presence, device lists)
/// join as <c>_</c>-separated fields when they arrive; older tokens then read as position 0 for them.
/// </summary>
public readonly record struct SyncToken(long Events)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"s{Events}");

    public static bool TryParse(string? text, out SyncToken token)
    {
        token = default;
        if (string.IsNullOrEmpty(text) || text[0] != 's') return false;
        var first = text[1..].Split('_')[0];
        if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var events)) return false;
        token = new SyncToken(events);
        return true;
    }
}
