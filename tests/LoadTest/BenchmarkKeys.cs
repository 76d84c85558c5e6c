using System.Collections.Concurrent;
using Messenger.Federation.Protocol.Keys;
using Messenger.Federation.Protocol.Signing;
using Messenger.Homeserver.RoomServer.Remote;

namespace Messenger.LoadTest;

/// <summary>The keys of the benchmark's made-up remote servers, handed to the room server as its key source.</summary>
public sealed class BenchmarkKeys : IPduKeySource
{
    private readonly ConcurrentDictionary<ServerKeyId, ServerVerifyKey> keys = new();

    public void Publish(string serverName, ServerSigningKey key) => keys[new ServerKeyId(serverName, key.KeyId)] = new ServerVerifyKey(key.VerifyKey);

    public Task<IReadOnlyDictionary<ServerKeyId, ServerVerifyKey>> GetKeysAsync(IReadOnlyCollection<ServerKeyId> wanted, long minimumValidUntilTs, CancellationToken ct) =>
        Task.FromResult<IReadOnlyDictionary<ServerKeyId, ServerVerifyKey>>(wanted.Where(keys.ContainsKey).ToDictionary(k => k, k => keys[k]));
}
