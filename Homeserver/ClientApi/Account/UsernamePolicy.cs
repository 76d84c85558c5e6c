using System.Security.Cryptography;
using System.Text;
using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.ClientApi.Account;

/// <summary>
/// Which localparts may be registered: the strict user id grammar of the appendix ("User Identifiers":
/// <c>a-z 0-9 . _ = - / +</c>), the whole id at most 255 bytes, and <c>_</c> at the start kept for application
/// services (as Synapse does). Usernames are lower-cased first, so <c>Alice</c> registers <c>@alice</c>.
/// </summary>
public static class UsernamePolicy
{
    private const int MaxUserIdBytes = 255;

    public static string Normalise(string username) => username.ToLowerInvariant();

    /// <summary>Throws <c>M_INVALID_USERNAME</c> with the reason when <paramref name="localpart"/> may not be registered.</summary>
    public static void Validate(string localpart, string serverName)
    {
        if (localpart.Length == 0) throw MatrixError.InvalidUsername("User ID cannot be empty");
        if (!localpart.All(IsAllowed))
            throw MatrixError.InvalidUsername("User ID can only contain characters a-z, 0-9, or '=_-./+'");
        if (localpart.StartsWith('_')) throw MatrixError.InvalidUsername("User ID may not begin with '_'");
        if (Encoding.UTF8.GetByteCount($"@{localpart}:{serverName}") > MaxUserIdBytes)
            throw MatrixError.InvalidUsername("User ID may not be longer than 255 bytes");
    }

    /// <summary>A localpart for a registration that asked for none.</summary>
    public static string Generate()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        return "u" + string.Create(11, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        });
    }

    private static bool IsAllowed(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '=' or '-' or '/' or '+';
}
