namespace Messenger.Federation.Protocol.Signing;

/// <summary>
/// Finds a server's public key by key id (<c>ed25519:abc</c>), or null when unknown. Synchronous and pure on purpose:
/// the caller fetches keys first (see <see cref="Events.PduSignatures.RequiredServers"/>) and checks against what it has.
/// </summary>
public delegate ServerVerifyKey? VerifyKeyLookup(string serverName, string keyId);
