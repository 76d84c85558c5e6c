namespace Messenger.Homeserver.RoomServer;

/// <summary>One local send waiting in <see cref="LocalSendQueues"/>: done by whichever sender leads its batch.</summary>
public sealed class LocalSend(LocalEvent request)
{
    private readonly TaskCompletionSource<string> done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource lead = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LocalEvent Request { get; } = request;

    /// <summary>The id of the event sent (or of the earlier event of the same client transaction), or why not.</summary>
    public Task<string> Done => done.Task;

    /// <summary>Completes when the send is done, or when its sender is to lead the next batch of the room.</summary>
    public Task Turn => Task.WhenAny(done.Task, lead.Task);

    public bool IsDone => done.Task.IsCompleted;

    internal void Lead() => lead.TrySetResult();

    public void Complete(string eventId) => done.TrySetResult(eventId);

    public void Fail(Exception error) => done.TrySetException(error);
}
