using Messenger.Federation.Protocol.Auth;
using Xunit;

namespace Messenger.Federation.Tests.Protocol.Auth.Support;

/// <summary>Asserts an auth outcome, naming the rule, so a rejection for the wrong reason fails.</summary>
public static class AuthAssert
{
    public static void Allowed(AuthResult result) =>
        Assert.True(result.IsAllowed, $"expected the event to be allowed, but it was {result}");

    public static void Rejected(AuthRule rule, AuthResult result)
    {
        Assert.False(result.IsAllowed, $"expected rejection by {rule}, but the event was allowed");
        Assert.Equal(rule, result.Rule);
        Assert.False(string.IsNullOrWhiteSpace(result.Reason));
    }
}
