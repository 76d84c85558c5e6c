using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Messenger.Federation.Protocol.Encoding;
using Messenger.Homeserver.Configuration;
using NSec.Cryptography;

namespace Messenger.Homeserver.Auth;

/// <summary>
/// Argon2id password hashes (NSec), stored in the PHC string form <c>$argon2id$v=19$m=..,t=..,p=1$salt$hash</c>
/// so the cost can be raised later and old hashes still verify with the parameters they were made with.
/// </summary>
public sealed class PasswordHasher(HomeserverConfig config)
{
    private const int SaltSize = 16;
    private const int HashSize = 32;

    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        var memory = config.Auth.Argon2MemoryKib;
        var passes = config.Auth.Argon2Iterations;
        var hash = Derive(password, salt, memory, passes);
        return string.Create(CultureInfo.InvariantCulture,
            $"$argon2id$v=19$m={memory},t={passes},p=1${UnpaddedBase64.Encode(salt)}${UnpaddedBase64.Encode(hash)}");
    }

    /// <summary>Constant-time check of a password against a stored hash; false for any malformed hash.</summary>
    public static bool Verify(string password, string? stored)
    {
        if (stored is null) return false;
        var parts = stored.Split('$');
        // "", "argon2id", "v=19", "m=..,t=..,p=1", salt, hash
        if (parts.Length != 6 || parts[1] != "argon2id" || parts[2] != "v=19") return false;
        int memory = 0, passes = 0;
        foreach (var parameter in parts[3].Split(','))
        {
            var kv = parameter.Split('=');
            if (kv.Length != 2 || !int.TryParse(kv[1], CultureInfo.InvariantCulture, out var value)) return false;
            switch (kv[0])
            {
                case "m": memory = value; break;
                case "t": passes = value; break;
                case "p" when value == 1: break;
                default: return false;
            }
        }
        if (memory < 8 || passes < 1) return false;
        if (!UnpaddedBase64.TryDecode(parts[4], out var salt) || salt.Length != SaltSize) return false;
        if (!UnpaddedBase64.TryDecode(parts[5], out var expected) || expected.Length != HashSize) return false;
        return CryptographicOperations.FixedTimeEquals(Derive(password, salt, memory, passes), expected);
    }

    private static byte[] Derive(string password, byte[] salt, int memoryKib, int passes)
    {
        var algorithm = PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters
        {
            DegreeOfParallelism = 1,
            MemorySize = memoryKib,
            NumberOfPasses = passes,
        });
        return algorithm.DeriveBytes(Encoding.UTF8.GetBytes(password), salt, HashSize);
    }
}
