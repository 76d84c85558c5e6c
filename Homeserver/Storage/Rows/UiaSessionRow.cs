namespace Messenger.Homeserver.Storage.Rows;

/// <summary>A User-Interactive Authentication session: the stages completed so far for one operation.</summary>
public sealed class UiaSessionRow
{
    public required string SessionId { get; set; }

    /// <summary>What the session authorises (e.g. <c>register</c>, <c>delete_devices</c>); a session cannot be reused for another.</summary>
    public required string Operation { get; set; }

    /// <summary>The user the session belongs to, for operations by a logged-in user.</summary>
    public string? UserId { get; set; }

    public long CreatedTs { get; set; }

    /// <summary>Completed stage types, JSON array.</summary>
    public string CompletedStages { get; set; } = "[]";

    /// <summary>The registration token this session validated; counts as a pending use of it while the session lives.</summary>
    public string? RegistrationToken { get; set; }
}
