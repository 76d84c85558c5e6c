using System.Globalization;
using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.ClientApi.SlidingSync;

/// <summary>
/// The extensions a request switched on (each needs <c>enabled: true</c>). <see cref="ToDeviceSince"/> is the
/// <c>next_batch</c> the client got from the to-device extension last time (null: take it from the connection).
/// </summary>
public sealed record SlidingExtensions(
    bool ToDevice,
    long? ToDeviceSince,
    bool E2ee,
    ExtensionScope? AccountData,
    ExtensionScope? Receipts,
    ExtensionScope? Typing)
{
    public static SlidingExtensions From(SlidingExtensionsBody? body)
    {
        long? since = null;
        if (body?.ToDevice?.Since is { } text)
        {
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                throw MatrixError.InvalidParam("extensions.to_device.since is not a token this server issued");
            since = parsed;
        }
        return new SlidingExtensions(
            body?.ToDevice?.Enabled == true, since,
            body?.E2ee?.Enabled == true,
            Scope(body?.AccountData), Scope(body?.Receipts), Scope(body?.Typing));
    }

    private static ExtensionScope? Scope(ScopedExtensionBody? body) =>
        body?.Enabled == true ? new ExtensionScope(body.Lists, body.Rooms) : null;
}

/// <summary>
/// Which rooms of a response a room-scoped extension covers: rooms of the named <see cref="Lists"/> (null: of every
/// list) and the named subscribed <see cref="Rooms"/> (null or <c>"*"</c>: every subscription).
/// </summary>
public sealed record ExtensionScope(IReadOnlyList<string>? Lists, IReadOnlyList<string>? Rooms)
{
    public bool Covers(string roomId, IReadOnlyCollection<string> listsOfRoom, bool subscribed) =>
        (Lists is null ? listsOfRoom.Count > 0 : listsOfRoom.Any(Lists.Contains))
        || (subscribed && (Rooms is null || Rooms.Contains("*") || Rooms.Contains(roomId)));
}
