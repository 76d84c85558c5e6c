using System.Threading.Channels;

namespace Messenger.Homeserver.Push;

/// <summary>
/// Tells the push delivery worker which users have new notifications. Writing never blocks the event path; the worker
/// reads the notifications themselves from the database, so a lost wake-up only delays delivery to the next one.
/// </summary>
public sealed class PushDeliverySignal
{
    private readonly Channel<string> users = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    public void Wake(IEnumerable<string> userIds)
    {
        foreach (var userId in userIds.Distinct(StringComparer.Ordinal)) users.Writer.TryWrite(userId);
    }

    internal ChannelReader<string> Reader => users.Reader;
}
