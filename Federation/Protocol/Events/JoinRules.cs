namespace Messenger.Federation.Protocol.Events;

/// <summary>The <c>join_rule</c> values of <c>m.room.join_rules</c> (client-server API <c>m.room.join_rules</c>).</summary>
public static class JoinRules
{
    public const string Public = "public";
    public const string Invite = "invite";
    /// <summary>Room version 7+.</summary>
    public const string Knock = "knock";
    /// <summary>Room version 8+.</summary>
    public const string Restricted = "restricted";
    /// <summary>Room version 10+.</summary>
    public const string KnockRestricted = "knock_restricted";
    public const string Private = "private";
}
