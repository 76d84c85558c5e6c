namespace Messenger.Federation.Sending;

/// <summary>
/// Told when a remote server authenticated a request to us: it is evidently up, so a sender backing off from it
/// may try again at once ("a destination that was down is caught up when it comes back").
/// </summary>
public interface IRemoteActivity
{
    void OnAuthenticatedRequest(string origin);
}
