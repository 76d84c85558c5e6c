using System.Text.Json.Nodes;
using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.ClientApi.Keys;

/// <summary>Error codes only the key APIs use ("Cross-signing", "Server-side key backups").</summary>
public static class KeyErrors
{
    public static readonly MatrixErrorCode InvalidSignatureCode = new("M_INVALID_SIGNATURE", 400);
    public static readonly MatrixErrorCode WrongRoomKeysVersionCode = new("M_WRONG_ROOM_KEYS_VERSION", 403);

    public static MatrixException InvalidSignature(string why) => new(InvalidSignatureCode, why);

    /// <summary>Keys written to a backup version that is not the current one; the body names the current version.</summary>
    public static MatrixException WrongRoomKeysVersion(long current) =>
        new(WrongRoomKeysVersionCode, "Wrong backup version.", extra: new JsonObject { ["current_version"] = current.ToString(System.Globalization.CultureInfo.InvariantCulture) });
}
