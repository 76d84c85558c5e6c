using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.ClientApi.Account;

/// <summary>What a new password must be: long enough (<c>registration.password_min_length</c>), at most 512 characters as Synapse.</summary>
public static class PasswordPolicy
{
    public static void Validate(string password, int minLength)
    {
        if (password.Length < minLength) throw MatrixError.WeakPassword($"Password must be at least {minLength} characters");
        if (password.Length > 512) throw MatrixError.InvalidParam("Password is too long");
    }
}
