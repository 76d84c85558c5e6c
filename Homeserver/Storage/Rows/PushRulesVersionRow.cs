namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// When a user's push rules last changed, as an event stream position: sync sends the <c>m.push_rules</c> account data
/// event ("Push Rules: Events") to clients whose token is older.
/// </summary>
public sealed class PushRulesVersionRow
{
    public required string UserId { get; set; }
    public long Position { get; set; }
}
