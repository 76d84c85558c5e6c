using Messenger.Homeserver.RoomServer;

namespace Messenger.Homeserver.Push;

/// <summary>
/// Step 4 of the event path for push ("Server behaviour" of the push module): called once a batch of events is
/// persisted, with the room after it. Never throws: a failure to evaluate push rules must not fail an event
/// that is already stored.
/// </summary>
public interface IEventPushHook
{
    Task OnPersistedAsync(RoomSnapshot after, IReadOnlyList<NewEvent> events, IReadOnlyList<long> streamOrderings);
}
