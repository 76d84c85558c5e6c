using Messenger.Federation.Protocol.Keys;
using Messenger.Federation.Protocol.Signing;

namespace Messenger.Homeserver.RoomServer.Remote;

/// <summary>The key source when no federation transport provides one: this server's own signing key, nothing else.</summary>
public sealed class OwnServerKeys(RoomServerContext context) : IPduKeySource
{
    public Task<IReadOnlyDictionary<ServerKeyId, ServerVerifyKey>> GetKeysAsync(IReadOnlyCollection<ServerKeyId> wanted, long minimumValidUntilTs, CancellationToken ct)
    {
        var own = new ServerKeyId(context.ServerName, context.SigningKey.KeyId);
        IReadOnlyDictionary<ServerKeyId, ServerVerifyKey> found = wanted.Contains(own)
            ? new Dictionary<ServerKeyId, ServerVerifyKey> { [own] = new ServerVerifyKey(context.SigningKey.VerifyKey) }
            : new Dictionary<ServerKeyId, ServerVerifyKey>();
        return Task.FromResult(found);
    }
}
