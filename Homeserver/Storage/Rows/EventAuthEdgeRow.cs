namespace Messenger.Homeserver.Storage.Rows;

/// <summary><see cref="EventId"/> lists <see cref="AuthEventId"/> in its <c>auth_events</c>.</summary>
public sealed class EventAuthEdgeRow
{
    public required string EventId { get; set; }
    public required string AuthEventId { get; set; }
}
