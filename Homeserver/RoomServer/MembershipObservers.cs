namespace Messenger.Homeserver.RoomServer;

/// <summary>
/// Tells other parts, after each commit, whose membership of a room an event changed (local or received, a join, leave,
/// kick, ban, invite or knock), so that what depends on who shares a room with whom can follow without reading the
/// stream: the cached device lists of remote users are dropped when they share no room with our users any more
/// (<see cref="FederationApi.Edus.RemoteDeviceListSharing"/>). Observers must return at once; they run on the writer's
/// path, after the commit.
/// </summary>
public sealed class MembershipObservers
{
    private readonly Lock gate = new();
    private Action<string, IReadOnlyList<string>>[] observers = [];

    /// <summary>Calls <paramref name="observer"/> with the room and the users whose membership changed in it.</summary>
    public void Subscribe(Action<string, IReadOnlyList<string>> observer)
    {
        lock (gate) observers = [.. observers, observer];
    }

    public void Changed(string roomId, IReadOnlyList<string> userIds)
    {
        if (userIds.Count == 0) return;
        foreach (var observer in observers) observer(roomId, userIds);
    }
}
