using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Presence;

/// <summary>
/// Wakes the long-polling syncs that should see a presence change: those watching the user or any room they are
/// joined to. Changes come from requests and from the tracker's timer alike, so the room lookup runs in its own scope.
/// </summary>
public sealed partial class PresenceWakeups(PresenceTracker tracker, IServiceScopeFactory scopes, EventNotifier notifier, ILogger<PresenceWakeups> logger)
{
    public void Start() => tracker.Changed += userId => _ = WakeAsync(userId);

    private async Task WakeAsync(string userId)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var rooms = await scope.ServiceProvider.GetRequiredService<RoomStore>().RoomsWithMembershipAsync(userId, Membership.Join);
            notifier.Notify(rooms.Append(userId));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A wake-up that fails costs only latency: the syncs return at their timeout and see the change then.
            LogWakeFailed(logger, userId, e);
        }
    }

    [LoggerMessage(EventId = 502, Level = LogLevel.Warning, Message = "Could not wake syncs for the presence change of {UserId}")]
    private static partial void LogWakeFailed(ILogger logger, string userId, Exception exception);
}
