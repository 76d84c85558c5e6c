namespace Messenger.Federation.Tests.Protocol.StateResolution.Support;

/// <summary>The cast of the state resolution scenarios: Alice creates the room and is its admin.</summary>
internal static class Users
{
    public const string Alice = "@alice:example.com";
    public const string Bob = "@bob:example.com";
    public const string Charlie = "@charlie:example.com";
    public const string Evelyn = "@evelyn:example.com";
    public const string Zara = "@zara:example.com";
}
