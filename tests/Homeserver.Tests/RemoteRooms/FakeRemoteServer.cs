using Messenger.Federation.Protocol.Keys;

namespace Messenger.Homeserver.Tests.RemoteRooms;

/// <summary>A remote homeserver as far as its events go: a name and a signing key (in-process, no HTTP).</summary>
public sealed class FakeRemoteServer(string name, ServerSigningKey? key = null)
{
    public string Name { get; } = name;
    public ServerSigningKey Key { get; } = key ?? ServerSigningKey.Generate();

    public string User(string localpart) => $"@{localpart}:{Name}";
}
