namespace Messenger.Homeserver.Push;

/// <summary>Unread notifications and highlights of a room or a thread.</summary>
public sealed record UnreadCount(int Notifications, int Highlights)
{
    public static readonly UnreadCount Zero = new(0, 0);

    public static UnreadCount operator +(UnreadCount a, UnreadCount b) => new(a.Notifications + b.Notifications, a.Highlights + b.Highlights);
}
