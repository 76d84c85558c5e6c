namespace Messenger.Federation.Protocol.Keys;

/// <summary>Key identifiers: <c>algorithm:version</c>, the version limited to <c>[a-zA-Z0-9_]</c> (appendix, "Signing Key").</summary>
public static class KeyIdGrammar
{
    public static bool IsValidVersion(string version) =>
        version.Length > 0 && version.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_');
}
