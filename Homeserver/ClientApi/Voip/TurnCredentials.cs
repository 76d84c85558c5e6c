using System.Security.Cryptography;
using System.Text;

namespace Messenger.Homeserver.ClientApi.Voip;

/// <summary>
/// Time-limited TURN credentials in the form coturn's REST API checks with <c>use-auth-secret</c>: the username is
/// <c>{expiry unix seconds}:{user id}</c>, the password base64(HMAC-SHA1(shared secret, username)). The TURN server
/// recomputes the password and refuses the username once its expiry has passed.
/// </summary>
public static class TurnCredentials
{
    public static (string Username, string Password) Create(string userId, string sharedSecret, DateTimeOffset expiry)
    {
        var username = $"{expiry.ToUnixTimeSeconds()}:{userId}";
        var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(sharedSecret), Encoding.UTF8.GetBytes(username));
        return (username, Convert.ToBase64String(mac));
    }
}
