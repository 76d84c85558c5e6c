namespace Messenger.Federation.Protocol.Auth;

/// <summary>
/// The outcome of an authorisation check: allowed, or rejected with the rule that rejected and a reason a human can read.
/// A rejected event is data (server-server API "Rejection"), so this is a value, never an exception.
/// <c>default(AuthResult)</c> is a rejection, so a forgotten assignment never lets an event through.
/// </summary>
public readonly record struct AuthResult
{
    private AuthResult(bool isAllowed, AuthRule rule, string? reason)
    {
        IsAllowed = isAllowed;
        Rule = rule;
        Reason = reason;
    }

    public bool IsAllowed { get; }

    /// <summary>The rule that rejected the event; <see cref="AuthRule.None"/> when allowed.</summary>
    public AuthRule Rule { get; }

    /// <summary>Why the event was rejected, for logs and error messages; null when allowed.</summary>
    public string? Reason { get; }

    public static AuthResult Allow { get; } = new(true, AuthRule.None, null);

    public static AuthResult Reject(AuthRule rule, string reason) => new(false, rule, reason);

    public override string ToString() => IsAllowed ? "allowed" : $"rejected ({Rule}): {Reason ?? "no reason given"}";
}
