using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Messenger.Homeserver.Push;

/// <summary>
/// Tells the push delivery worker which users have new notifications. Writing never blocks the event path; the worker
/// reads the notifications themselves from the database, so a lost wake-up only delays delivery to the next one.
/// Users known to have no pusher are not woken: in a busy room every message notifies most members, and each wake-up
/// cost a query for pushers that most users (those without a phone app) never have. Until the worker has loaded the
/// users with pushers, everybody is woken.
/// </summary>
/// <remarks>
/// A user stays known after their last pusher is deleted (a wake-up too many costs one query). With several
/// processes, pushers set through another process are not seen here: the delivery worker and the pusher endpoints
/// must share a process, or this set needs the cross-process invalidation the other caches need.
/// </remarks>
public sealed class PushDeliverySignal
{
    private readonly Channel<string> users = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, byte> withPushers = new(StringComparer.Ordinal);
    private volatile bool pushersKnown;

    public void Wake(IEnumerable<string> userIds)
    {
        foreach (var userId in userIds.Distinct(StringComparer.Ordinal))
        {
            if (!pushersKnown || withPushers.ContainsKey(userId)) users.Writer.TryWrite(userId);
        }
    }

    /// <summary>Every user with a pusher, as stored at start: from now on only these (and later <see cref="PusherSet"/>) are woken.</summary>
    public void PushersLoaded(IEnumerable<string> userIds)
    {
        foreach (var userId in userIds) withPushers[userId] = 0;
        pushersKnown = true;
    }

    /// <summary>The user has a pusher now (stored and committed); wakes them for what arrived meanwhile.</summary>
    public void PusherSet(string userId)
    {
        withPushers[userId] = 0;
        users.Writer.TryWrite(userId);
    }

    internal ChannelReader<string> Reader => users.Reader;
}
