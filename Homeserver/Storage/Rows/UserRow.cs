namespace Messenger.Homeserver.Storage.Rows;

/// <summary>A local account.</summary>
public sealed class UserRow
{
    public required string UserId { get; set; }
    public required string Localpart { get; set; }

    /// <summary>Argon2id in PHC string form; null for accounts that cannot log in with a password (deactivated, AS users).</summary>
    public string? PasswordHash { get; set; }

    public long CreatedTs { get; set; }
    public bool IsAdmin { get; set; }
    public bool IsDeactivated { get; set; }

    /// <summary>Synapse's <c>user_type</c> (e.g. <c>bot</c>, <c>support</c>); null for ordinary users.</summary>
    public string? UserType { get; set; }
}
