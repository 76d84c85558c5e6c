namespace Messenger.Homeserver.Storage;

/// <summary>
/// What every <c>/sync</c> of a device reports about its keys — unclaimed one-time keys per algorithm
/// (<c>device_one_time_keys_count</c>) and unused fallback key types (<c>device_unused_fallback_key_types</c>) — kept
/// in memory per device (<see cref="InvalidatedMemo{TValue}"/>), so a sync woken by a message does not query them.
/// <see cref="DeviceKeyStore"/> invalidates a device's entries on each of its writes of those tables: uploads, claims
/// (local and over federation, both through <see cref="DeviceKeyStore.ClaimOneTimeKeysAsync"/> and
/// <see cref="DeviceKeyStore.TakeFallbackKeysAsync"/>) and device deletion. A new writer of <c>one_time_keys</c> or
/// <c>fallback_keys</c> must go through that store. One per process (see <see cref="InvalidatedMemo{TValue}"/> for
/// what a second process would need).
/// </summary>
public sealed class DeviceKeyMemo
{
    public InvalidatedMemo<IReadOnlyDictionary<string, int>> OneTimeKeyCounts { get; } = new();

    public InvalidatedMemo<IReadOnlyList<string>> UnusedFallbackKeyTypes { get; } = new();

    public static string Key(string userId, string deviceId) => userId + "|" + deviceId;
}
