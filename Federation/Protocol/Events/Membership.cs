namespace Messenger.Federation.Protocol.Events;

/// <summary>The <c>membership</c> values of <c>m.room.member</c> (client-server API <c>m.room.member</c>).</summary>
public static class Membership
{
    public const string Join = "join";
    public const string Invite = "invite";
    public const string Leave = "leave";
    public const string Ban = "ban";
    /// <summary>Room version 7+.</summary>
    public const string Knock = "knock";
}
