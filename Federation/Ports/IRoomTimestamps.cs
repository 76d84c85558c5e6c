namespace Messenger.Federation.Ports;

/// <summary>The event nearest a point in time in a room, for <c>GET /_matrix/federation/v1/timestamp_to_event</c>. The homeserver implements it.</summary>
public interface IRoomTimestamps
{
    /// <summary>
    /// The first event at or after <paramref name="ts"/> (<paramref name="forwards"/>) or the last at or before it, as
    /// this server holds the room's history; null when there is none. Throws 404 for an unknown room, 403 for a room
    /// the origin may not read.
    /// </summary>
    Task<(string EventId, long OriginServerTs)?> NearestAsync(string origin, string roomId, long ts, bool forwards, CancellationToken ct);
}
