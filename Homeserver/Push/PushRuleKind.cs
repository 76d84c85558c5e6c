namespace Messenger.Homeserver.Push;

/// <summary>The kinds of push rules ("Push Rules"), in the order they are checked.</summary>
public static class PushRuleKind
{
    public const string Override = "override";
    public const string Content = "content";
    public const string Room = "room";
    public const string Sender = "sender";
    public const string Underride = "underride";

    /// <summary>Every kind in evaluation order.</summary>
    public static readonly IReadOnlyList<string> All = [Override, Content, Room, Sender, Underride];

    public static bool IsKnown(string kind) => All.Contains(kind);

    /// <summary>Kinds whose rules carry a list of conditions (the others have predefined ones).</summary>
    public static bool HasConditions(string kind) => kind is Override or Underride;
}
