using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.ClientApi.Account;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.Admin;

/// <summary>
/// Synapse's shared-secret registration (<c>/_synapse/admin/v1/register</c>), so that existing tooling
/// (<c>register_new_matrix_user</c>, provisioning scripts) works unchanged: a single-use nonce valid for one minute,
/// and an HMAC-SHA1 keyed with <c>registration_shared_secret</c> over
/// <c>nonce \0 username \0 password \0 admin|notadmin [\0 user_type]</c>.
/// </summary>
public sealed class SharedSecretRegistration(HomeserverConfig config, TimeProvider time)
{
    private static readonly TimeSpan NonceLifetime = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, DateTimeOffset> nonces = new();

    public string NewNonce()
    {
        RequireEnabled();
        var now = time.GetUtcNow();
        foreach (var (old, issued) in nonces)
        {
            if (now - issued > NonceLifetime) nonces.TryRemove(old, out _);
        }
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        nonces[nonce] = now;
        return nonce;
    }

    /// <summary>Checks nonce and MAC; the nonce is used up whether or not the MAC matches.</summary>
    public void Verify(SharedSecretRegisterRequest request)
    {
        var secret = RequireEnabled();
        var nonce = MatrixJsonRequire(request.Nonce, "nonce");
        if (!nonces.TryRemove(nonce, out var issued) || time.GetUtcNow() - issued > NonceLifetime)
            throw MatrixError.BadRequest("unrecognised nonce");

        var message = string.Join('\0', new[]
        {
            nonce, MatrixJsonRequire(request.Username, "username"), MatrixJsonRequire(request.Password, "password"),
            request.Admin == true ? "admin" : "notadmin",
        }.Concat(request.UserType is null ? [] : [request.UserType]));
        var expected = HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(message));

        byte[] given;
        try
        {
            given = Convert.FromHexString(MatrixJsonRequire(request.Mac, "mac"));
        }
        catch (FormatException)
        {
            throw MatrixError.Forbidden("HMAC incorrect");
        }
        if (!CryptographicOperations.FixedTimeEquals(given, expected)) throw MatrixError.Forbidden("HMAC incorrect");
    }

    private string RequireEnabled() =>
        string.IsNullOrEmpty(config.Registration.RegistrationSharedSecret)
            ? throw MatrixError.BadRequest("Shared secret registration is not enabled")
            : config.Registration.RegistrationSharedSecret;

    private static string MatrixJsonRequire(string? value, string name) => Http.MatrixJson.Require(value, name);
}
