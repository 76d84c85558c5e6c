using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.ClientApi.SlidingSync;

/// <summary>
/// Per-connection state of sliding sync (MSC4186 "Connections"), held in this process's memory: a connection is
/// (user, device, <c>conn_id</c>), and each response's <c>pos</c> names the state it leads to. A request resumes from
/// its <c>pos</c>; the states before it are then dropped (the client has processed that response), the state at it
/// kept (the client may retry with the same <c>pos</c>). A <c>pos</c> this process does not know — expired, from
/// another connection, or issued before a restart or by another process — is <c>M_UNKNOWN_POS</c>, on which clients
/// start the connection afresh, as the MSC allows ("A server may decide to expire connections").
/// </summary>
public sealed class SlidingSyncConnections(TimeProvider time)
{
    /// <summary>A connection unused this long is forgotten (its client's next request gets <c>M_UNKNOWN_POS</c>).</summary>
    public static readonly TimeSpan IdleExpiry = TimeSpan.FromHours(24);

    /// <summary>Connections per device; past it the least recently used goes (guards memory against a client opening many).</summary>
    public const int MaxConnectionsPerDevice = 10;

    /// <summary>States kept per connection: the current one plus a few not yet confirmed by a following request.</summary>
    private const int MaxVersions = 8;

    private readonly ConcurrentDictionary<(string User, string Device, string ConnId), Connection> connections = new();
    private DateTimeOffset nextSweep;

    /// <summary>The state to build on: fresh for a request without <c>pos</c> (which restarts the connection), else the one its <c>pos</c> names.</summary>
    public ConnectionState Resume(string userId, string deviceId, string connId, string? pos)
    {
        Sweep();
        var key = (userId, deviceId, connId);
        if (pos is null)
        {
            connections[key] = new Connection(RandomNonce(), time.GetUtcNow());
            EvictBeyondLimit(userId, deviceId);
            return ConnectionState.Fresh;
        }
        if (!TryParsePos(pos, out var nonce, out var version) || !connections.TryGetValue(key, out var connection) || connection.Nonce != nonce)
            throw UnknownPos();
        lock (connection.Gate)
        {
            if (!connection.Versions.TryGetValue(version, out var state)) throw UnknownPos();
            foreach (var older in connection.Versions.Keys.Where(v => v < version).ToList()) connection.Versions.Remove(older);
            connection.LastUsed = time.GetUtcNow();
            return state;
        }
    }

    /// <summary>Stores the state a response leads to; returns the response's <c>pos</c>.</summary>
    public string Commit(string userId, string deviceId, string connId, ConnectionState state)
    {
        if (!connections.TryGetValue((userId, deviceId, connId), out var connection)) throw UnknownPos();
        lock (connection.Gate)
        {
            var version = ++connection.LastVersion;
            connection.Versions[version] = state;
            while (connection.Versions.Count > MaxVersions) connection.Versions.Remove(connection.Versions.Keys.Min());
            connection.LastUsed = time.GetUtcNow();
            return string.Create(CultureInfo.InvariantCulture, $"{connection.Nonce}_{version}_{state.Position}");
        }
    }

    private static MatrixException UnknownPos() => MatrixError.UnknownPos("Unknown or expired pos: start a new connection");

    private static bool TryParsePos(string pos, out string nonce, out long version)
    {
        var parts = pos.Split('_');
        nonce = parts[0];
        version = 0;
        return parts.Length == 3 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out version);
    }

    private static string RandomNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    private void EvictBeyondLimit(string userId, string deviceId)
    {
        var mine = connections.Where(kv => kv.Key.User == userId && kv.Key.Device == deviceId).OrderByDescending(kv => kv.Value.LastUsed).ToList();
        foreach (var (key, _) in mine.Skip(MaxConnectionsPerDevice)) connections.TryRemove(key, out _);
    }

    private void Sweep()
    {
        var now = time.GetUtcNow();
        if (now < nextSweep) return;
        nextSweep = now + TimeSpan.FromMinutes(5);
        foreach (var (key, connection) in connections)
        {
            if (now - connection.LastUsed > IdleExpiry) connections.TryRemove(key, out _);
        }
    }

    private sealed class Connection(string nonce, DateTimeOffset created)
    {
        public string Nonce { get; } = nonce;
        public Lock Gate { get; } = new();
        public Dictionary<long, ConnectionState> Versions { get; } = [];
        public long LastVersion { get; set; }
        public DateTimeOffset LastUsed { get; set; } = created;
    }
}
