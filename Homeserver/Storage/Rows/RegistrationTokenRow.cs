namespace Messenger.Homeserver.Storage.Rows;

/// <summary>A registration token and how often it has been used.</summary>
public sealed class RegistrationTokenRow
{
    public required string Token { get; set; }
    public int? UsesAllowed { get; set; }
    public long? ExpiryTime { get; set; }

    /// <summary>Registrations completed with it.</summary>
    public int Completed { get; set; }
}
