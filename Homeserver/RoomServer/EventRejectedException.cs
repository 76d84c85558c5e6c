using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.RoomServer;

/// <summary>A local event the protocol refused: not allowed by the auth rules, or malformed. Becomes <c>M_FORBIDDEN</c> / <c>M_BAD_JSON</c>.</summary>
public sealed class EventRejectedException(MatrixErrorCode code, string message) : MatrixException(code, message);
