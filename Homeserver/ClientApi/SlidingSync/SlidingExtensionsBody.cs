namespace Messenger.Homeserver.ClientApi.SlidingSync;

/// <summary>The extensions a connection asks for; each is on only with <c>enabled: true</c>.</summary>
public sealed record SlidingExtensionsBody(
    ToDeviceExtensionBody? ToDevice,
    ExtensionToggleBody? E2ee,
    ScopedExtensionBody? AccountData,
    ScopedExtensionBody? Receipts,
    ScopedExtensionBody? Typing);

/// <summary><c>to_device</c> (MSC3885): <c>since</c> is the <c>next_batch</c> of the previous to-device response.</summary>
public sealed record ToDeviceExtensionBody(bool? Enabled, long? Limit, string? Since);

/// <summary>An extension with only an on switch (<c>e2ee</c>, MSC3884).</summary>
public sealed record ExtensionToggleBody(bool? Enabled);

/// <summary>
/// A room-scoped extension (account data, receipts, typing): <c>lists</c> and <c>rooms</c> narrow which rooms of the
/// response it covers (absent: every list, every subscription; <c>"*"</c> in rooms: every subscription).
/// </summary>
public sealed record ScopedExtensionBody(bool? Enabled, List<string>? Lists, List<string>? Rooms);
