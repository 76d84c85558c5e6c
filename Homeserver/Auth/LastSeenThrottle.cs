using System.Collections.Concurrent;

namespace Messenger.Homeserver.Auth;

/// <summary>
/// Device "last seen" (shown by <c>GET /devices</c>) is written at most once a minute per device,
/// so an authenticated request does not cost a database write. One per process (singleton).
/// </summary>
public sealed class LastSeenThrottle
{
    private const long IntervalMs = 60_000;
    private readonly ConcurrentDictionary<(string UserId, string DeviceId), long> lastWritten = new();

    public bool ShouldWrite(string userId, string deviceId, long now)
    {
        var key = (userId, deviceId);
        if (lastWritten.TryGetValue(key, out var last) && now - last < IntervalMs) return false;
        lastWritten[key] = now;
        return true;
    }
}
