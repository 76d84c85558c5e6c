namespace Messenger.Homeserver.Auth;

/// <summary>
/// Access tokens recently resolved, so that a request does not read the token table each time (every send and every
/// sync carries one). Revoking a token (logout, device deletion, password change, refresh) calls
/// <see cref="Invalidate"/> when the deletion is written and again when it commits, so a revoked token is refused at
/// once; a lookup that raced a revocation is not cached (generation check). Entries also expire after
/// <see cref="Lifetime"/>, the most a token revoked by another process sharing the database can outlive its revocation.
/// </summary>
public sealed class AccessTokenCache(TimeProvider time)
{
    /// <summary>How long a resolved token is trusted without reading the database again.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    private const int MaxEntries = 100_000;

    private readonly Lock gate = new();
    private readonly Dictionary<string, (CachedAccessToken Token, long CachedAt)> entries = new(StringComparer.Ordinal);
    private long generation;

    /// <summary>Read before the database lookup and handed to <see cref="Add"/>.</summary>
    public long Generation
    {
        get
        {
            lock (gate) return generation;
        }
    }

    public bool TryGet(byte[] tokenHash, out CachedAccessToken token)
    {
        var now = time.GetTimestamp();
        lock (gate)
        {
            if (entries.TryGetValue(Key(tokenHash), out var entry) && time.GetElapsedTime(entry.CachedAt, now) < Lifetime)
            {
                token = entry.Token;
                return true;
            }
        }
        token = null!;
        return false;
    }

    /// <summary>Caches a token read from the database, unless a revocation happened since <paramref name="readGeneration"/>.</summary>
    public void Add(byte[] tokenHash, CachedAccessToken token, long readGeneration)
    {
        var now = time.GetTimestamp();
        lock (gate)
        {
            if (readGeneration != generation) return;
            if (entries.Count >= MaxEntries) entries.Clear();
            entries[Key(tokenHash)] = (token, now);
        }
    }

    /// <summary>Forgets every cached token (revocations are rare; exactness matters more than keeping the others).</summary>
    public void Invalidate()
    {
        lock (gate)
        {
            generation++;
            entries.Clear();
        }
    }

    private static string Key(byte[] tokenHash) => Convert.ToBase64String(tokenHash);
}

/// <summary>What a request needs of its access token row.</summary>
public sealed record CachedAccessToken(long Id, string UserId, string DeviceId, long? ExpiresTs);
