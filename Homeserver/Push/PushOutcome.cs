using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.Push;

/// <summary>
/// What push rule evaluation decided for a batch of events, to be stored with them: the notifications, each with the
/// index of its event in the batch (its stream position and thread are filled in when the event is stored), and the
/// local senders whose own notifications up to their event count as read.
/// </summary>
public sealed record PushOutcome(IReadOnlyList<(int Event, PushActionRow Row)> Notifications, IReadOnlyList<(int Event, string UserId)> ReadBySending)
{
    public static readonly PushOutcome None = new([], []);
}
