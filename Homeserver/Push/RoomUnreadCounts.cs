using System.Text.Json.Nodes;

namespace Messenger.Homeserver.Push;

/// <summary>
/// A room's unread counts for sync ("Receiving notifications"; threaded: "Threaded read receipts" / the
/// <c>unread_thread_notifications</c> filter): the main timeline's and each thread's, partitioned.
/// </summary>
public sealed record RoomUnreadCounts(UnreadCount Main, IReadOnlyDictionary<string, UnreadCount> Threads)
{
    public static readonly RoomUnreadCounts None = new(UnreadCount.Zero, new Dictionary<string, UnreadCount>());

    /// <summary>The room as a whole, threads included: what clients that do not ask for thread counts get.</summary>
    public UnreadCount Total => Threads.Values.Aggregate(Main, (sum, t) => sum + t);

    /// <summary><c>unread_notifications</c>: the whole room, or with <paramref name="threaded"/> only the main timeline.</summary>
    public JsonObject UnreadNotifications(bool threaded)
    {
        var count = threaded ? Main : Total;
        return new JsonObject { ["highlight_count"] = count.Highlights, ["notification_count"] = count.Notifications };
    }

    /// <summary><c>unread_thread_notifications</c>: thread root → counts, only threads with unread notifications.</summary>
    public JsonObject UnreadThreadNotifications()
    {
        var json = new JsonObject();
        foreach (var (root, count) in Threads)
            json[root] = new JsonObject { ["highlight_count"] = count.Highlights, ["notification_count"] = count.Notifications };
        return json;
    }
}
