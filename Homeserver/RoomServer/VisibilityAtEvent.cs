namespace Messenger.Homeserver.RoomServer;

/// <summary>
/// The viewer's standing before an event and, where the spec lets it count too (a visibility change, the viewer's own
/// member event), after it ("Room History Visibility", "Server behaviour").
/// </summary>
public sealed record VisibilityAtEvent(ViewerState Before, ViewerState? After)
{
    /// <summary>Whether <paramref name="rule"/> allows the event before it, or after it where that counts.</summary>
    public bool Allows(Func<ViewerState, bool> rule) => rule(Before) || (After is { } after && rule(after));
}
