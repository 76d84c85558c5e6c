using Messenger.Homeserver.RoomServer;

namespace Messenger.Homeserver.Push;

/// <summary>
/// Step 4 of the event path for push ("Server behaviour" of the push module). Local batches are evaluated before they
/// are persisted (<see cref="EvaluateAsync"/>) and their notifications stored in the events' own transaction, then
/// <see cref="Committed"/> wakes the pushers; received events are evaluated and stored after their commit
/// (<see cref="OnPersistedAsync"/>). Never throws: a failure to evaluate push rules must not fail an event.
/// </summary>
public interface IEventPushHook
{
    /// <summary>The notifications of <paramref name="events"/> in the room as they leave it (<paramref name="after"/>).</summary>
    Task<PushOutcome> EvaluateAsync(RoomSnapshot after, IReadOnlyList<NewEvent> events, CancellationToken ct);

    /// <summary>The outcome was committed with its events: the pushers of the users notified may deliver.</summary>
    void Committed(PushOutcome outcome);

    Task OnPersistedAsync(RoomSnapshot after, IReadOnlyList<NewEvent> events, IReadOnlyList<long> streamOrderings);
}
