using System.Text.Json.Nodes;

namespace Messenger.Federation.Ports;

/// <summary>
/// Local users' devices and end-to-end keys for other servers ("Device Management", "End-to-End Encryption").
/// Requests are already narrowed to local users. The homeserver implements it over its key services.
/// </summary>
public interface IUserKeysDirectory
{
    /// <summary><c>device_keys</c> (user → device ids, empty for all) → <c>{device_keys, master_keys, self_signing_keys}</c>.</summary>
    Task<JsonObject> QueryKeysAsync(JsonObject deviceKeys, CancellationToken ct);

    /// <summary><c>one_time_keys</c> (user → device → algorithm) → <c>{one_time_keys}</c>, each key claimed once.</summary>
    Task<JsonObject> ClaimKeysAsync(JsonObject oneTimeKeys, CancellationToken ct);

    /// <summary>A local user's devices: <c>{user_id, stream_id, devices, master_key?, self_signing_key?}</c>, or null for an unknown user.</summary>
    Task<JsonObject?> DevicesAsync(string userId, CancellationToken ct);
}
