using Messenger.Federation.Protocol.Events;

namespace Messenger.Homeserver.RoomServer.Remote;

/// <summary>
/// A received PDU after steps 1–3: the event to judge (redacted when its content hash did not match) and whether the
/// v8+ restricted-join authorising server signed it; or, when dropped, why.
/// </summary>
public sealed record CheckedPdu(Pdu? Pdu, IngestResult? Dropped, bool AuthorisingSignatureValid = true);
