namespace Messenger.Homeserver.ClientApi.Presence;

/// <summary>
/// One user's presence as sync and <c>GET /presence</c> show it ("Presence"). <see cref="Position"/> is the event
/// stream position of its last change that others should hear about.
/// </summary>
public sealed record PresenceState(string UserId, string State, string? StatusMsg, DateTimeOffset LastActive, long Position)
{
    public const string Online = "online";
    public const string Unavailable = "unavailable";
    public const string Offline = "offline";

    /// <summary>Activity this recent counts as "currently active" (Synapse's granularity, one minute).</summary>
    public static readonly TimeSpan ActiveWindow = TimeSpan.FromMinutes(1);

    public static bool IsState(string? value) => value is Online or Unavailable or Offline;
}
