namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// A pusher set by <c>POST /pushers/set</c>: where and how to notify one of the user's apps. A pusher is unique per
/// (<see cref="AppId"/>, <see cref="Pushkey"/>, <see cref="UserId"/>). Delivery resumes after
/// <see cref="LastStreamOrdering"/>, so a restart neither loses nor repeats notifications.
/// </summary>
public sealed class PusherRow
{
    public long Id { get; set; }
    public required string UserId { get; set; }

    /// <summary>The device that set the pusher; deleting the device deletes its pushers.</summary>
    public string? DeviceId { get; set; }

    public required string Kind { get; set; }
    public required string AppId { get; set; }
    public required string Pushkey { get; set; }
    public required string AppDisplayName { get; set; }
    public required string DeviceDisplayName { get; set; }
    public string? ProfileTag { get; set; }
    public required string Lang { get; set; }

    /// <summary>The <c>data</c> object as given, including <c>url</c>.</summary>
    public required string DataJson { get; set; }

    /// <summary>When the pushkey was last set (ms since the epoch); the gateway gets it in seconds.</summary>
    public long PushkeyTs { get; set; }

    /// <summary>Notifications up to this event stream position have been delivered (or given up on).</summary>
    public long LastStreamOrdering { get; set; }

    /// <summary>Since when deliveries to the gateway fail (ms since the epoch); null while it answers.</summary>
    public long? FailingSinceTs { get; set; }
}
