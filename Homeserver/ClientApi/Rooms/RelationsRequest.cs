namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>The filters and pagination of a relations request (path <c>relType</c>/<c>eventType</c>, query <c>from</c>, <c>to</c>, <c>limit</c>, <c>dir</c>, <c>recurse</c>).</summary>
public sealed record RelationsRequest(string? RelType, string? EventType, string? From, string? To, int? Limit, string? Dir, bool? Recurse);
