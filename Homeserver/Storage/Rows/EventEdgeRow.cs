namespace Messenger.Homeserver.Storage.Rows;

/// <summary>An edge of the room DAG: <see cref="EventId"/> lists <see cref="PrevEventId"/> in its <c>prev_events</c>.</summary>
public sealed class EventEdgeRow
{
    public required string EventId { get; set; }
    public required string PrevEventId { get; set; }
}
