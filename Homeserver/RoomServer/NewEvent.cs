using Messenger.Federation.Protocol.Events;

namespace Messenger.Homeserver.RoomServer;

/// <summary>An authorised event on its way to the database, with the client transaction that sent it, if any.</summary>
public sealed record NewEvent(Pdu Pdu, string? TxnId = null, string? DeviceId = null);
