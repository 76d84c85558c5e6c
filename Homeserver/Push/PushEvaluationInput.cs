using System.Text.Json.Nodes;

namespace Messenger.Homeserver.Push;

/// <summary>
/// What push rule conditions look at for one event and one user: the event JSON, the room's joined member count,
/// the user's display name in the room, the sender's power level and the levels of the room's <c>notifications</c>.
/// </summary>
/// <param name="NotificationLevel">Power level needed for a notification key (<c>room</c>), null when the key is unknown.</param>
public sealed record PushEvaluationInput(
    JsonObject Event,
    string UserId,
    int MemberCount,
    string? DisplayName,
    long SenderPowerLevel,
    Func<string, long?> NotificationLevel)
{
    /// <summary>The event's resolved properties: share one instance among the members an event is evaluated for.</summary>
    public PushEventFields Fields { get; init; } = new(Event);
}
