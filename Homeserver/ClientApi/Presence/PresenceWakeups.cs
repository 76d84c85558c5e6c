using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Presence;

/// <summary>
/// Wakes the long-polling syncs that should see a presence change: those watching the user or any room they are
/// joined to. Changes are gathered for <see cref="Coalescing"/> and woken together, so that a burst (a thousand members
/// of a room coming online) wakes each of the room's syncs once, with one room lookup, instead of once per change.
/// The spec lets presence arrive late ("Presence": servers may limit how often they send it); the change itself has its
/// stream position already, so any sync that runs meanwhile carries it. Changes come from requests and from the
/// tracker's timer alike, so the room lookup runs in its own scope.
/// </summary>
public sealed partial class PresenceWakeups(PresenceTracker tracker, IServiceScopeFactory scopes, EventNotifier notifier, ILogger<PresenceWakeups> logger)
{
    /// <summary>How long changes are gathered before the syncs they concern are woken.</summary>
    public static readonly TimeSpan Coalescing = TimeSpan.FromMilliseconds(100);

    private readonly Lock gate = new();
    private HashSet<string> pending = new(StringComparer.Ordinal);
    private bool scheduled;

    public void Start() => tracker.Changed += Changed;

    private void Changed(string userId)
    {
        lock (gate)
        {
            pending.Add(userId);
            if (scheduled) return;
            scheduled = true;
        }
        _ = WakeAsync();
    }

    private async Task WakeAsync()
    {
        await Task.Delay(Coalescing);
        HashSet<string> users;
        lock (gate)
        {
            users = pending;
            pending = new HashSet<string>(StringComparer.Ordinal);
            scheduled = false;
        }
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var rooms = await scope.ServiceProvider.GetRequiredService<RoomStore>().RoomsWithMembershipAsync(users, Membership.Join);
            notifier.Notify(rooms.Concat(users));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A wake-up that fails costs only latency: the syncs return at their timeout and see the change then.
            LogWakeFailed(logger, users.Count, e);
        }
    }

    [LoggerMessage(EventId = 502, Level = LogLevel.Warning, Message = "Could not wake syncs for the presence changes of {Users} users")]
    private static partial void LogWakeFailed(ILogger logger, int users, Exception exception);
}
