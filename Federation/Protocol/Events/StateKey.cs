namespace Messenger.Federation.Protocol.Events;

/// <summary>The key of a piece of room state: event type and state key.</summary>
public readonly record struct StateKey(string Type, string Key)
{
    public override string ToString() => $"({Type}, '{Key}')";
}
