namespace Messenger.Homeserver.FederationApi.Edus;

/// <summary>
/// Runs outbound EDU work raised by in-memory trackers one after the other, off the caller's thread, so that a
/// user's "typing" and "stopped typing" reach the queue in the order they happened. Failures are logged by the
/// caller's delegate; one failure never stops the chain.
/// </summary>
public sealed class EduSendChain
{
    private readonly Lock gate = new();
    private Task tail = Task.CompletedTask;

    public void Enqueue(Func<Task> work)
    {
        lock (gate)
        {
            tail = tail.ContinueWith(_ => work(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        }
    }
}
