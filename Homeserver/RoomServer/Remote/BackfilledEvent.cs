using Messenger.Federation.Protocol.Events;

namespace Messenger.Homeserver.RoomServer.Remote;

/// <summary>An event fetched with <c>/backfill</c> and judged on its auth events: accepted, or rejected with the reason.</summary>
public sealed record BackfilledEvent(Pdu Pdu, string? Rejection);
