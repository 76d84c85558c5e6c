using System.Collections.Concurrent;
using Messenger.Federation.Protocol.Signing;
using Messenger.Homeserver.RoomServer.Remote;

namespace Messenger.Homeserver.Tests.RemoteRooms;

/// <summary>The key source of the server under test: the keys a test published for its fake remote servers.</summary>
public sealed class TestPduKeys : IPduKeySource
{
    private readonly ConcurrentDictionary<ServerKeyId, ServerVerifyKey> keys = new();

    public void Publish(FakeRemoteServer server) => keys[new ServerKeyId(server.Name, server.Key.KeyId)] = new ServerVerifyKey(server.Key.VerifyKey);

    public Task<IReadOnlyDictionary<ServerKeyId, ServerVerifyKey>> GetKeysAsync(IReadOnlyCollection<ServerKeyId> wanted, long minimumValidUntilTs, CancellationToken ct)
    {
        IReadOnlyDictionary<ServerKeyId, ServerVerifyKey> found = wanted.Where(keys.ContainsKey).ToDictionary(k => k, k => keys[k]);
        return Task.FromResult(found);
    }
}
