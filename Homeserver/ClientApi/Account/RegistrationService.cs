using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.ClientApi.Discovery;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Http;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.ClientApi.Account;

/// <summary>
/// Account registration ("Account registration", <c>POST /register</c>): username and password checked before
/// User-Interactive Authentication (so the client learns of a taken name at once, as on Synapse), then the account,
/// its profile, the token use and the first device are committed in one transaction.
/// </summary>
public sealed class RegistrationService(
    HomeserverDbContext db, AccountStore accounts, UserInteractiveAuth uia, SessionIssuer sessions, HomeserverConfig config, TimeProvider time)
{
    public IReadOnlyList<UiaFlow> Flows => config.Registration.RegistrationRequiresToken
        ? [new UiaFlow(UiaFlow.RegistrationToken)]
        : [new UiaFlow(UiaFlow.Dummy)];

    /// <summary>POST /_matrix/client/v3/register.</summary>
    public async Task<LoginResponse> RegisterAsync(JsonObject body, string? kind, CancellationToken ct)
    {
        if (kind == "guest") throw MatrixError.GuestAccessForbidden("Guest access is disabled");
        if (kind is not (null or "user")) throw MatrixError.InvalidParam("kind must be 'user' or 'guest'");
        if (!config.Registration.EnableRegistration) throw MatrixError.Forbidden("Registration has been disabled");

        var request = MatrixJson.Bind<RegisterRequest>(body);
        var localpart = request.Username is null ? UsernamePolicy.Generate() : UsernamePolicy.Normalise(request.Username);
        UsernamePolicy.Validate(localpart, config.ServerName);
        var userId = $"@{localpart}:{config.ServerName}";
        if (await accounts.ExistsAsync(userId, ct)) throw MatrixError.UserInUse();
        var password = MatrixJson.Require(request.Password, "password");
        PasswordPolicy.Validate(password, config.Registration.PasswordMinLength);

        var auth = await uia.AuthenticateAsync(body, "register", Flows, null, ct);
        return await CreateAccountAsync(new NewAccount(localpart, password, false, null, request.InhibitLogin == true,
            request.DeviceId, request.InitialDeviceDisplayName, request.RefreshToken == true), auth, ct);
    }

    /// <summary>GET /register/available: the name is valid and free (no reservation is made).</summary>
    public async Task CheckAvailableAsync(string? username, CancellationToken ct)
    {
        var localpart = UsernamePolicy.Normalise(MatrixJson.Require(username, "username"));
        UsernamePolicy.Validate(localpart, config.ServerName);
        if (await accounts.ExistsAsync($"@{localpart}:{config.ServerName}", ct)) throw MatrixError.UserInUse();
    }

    /// <summary>
    /// Creates the account in one transaction; used by <c>/register</c>, shared-secret registration and the
    /// <c>register-user</c> command. <paramref name="auth"/> is the finished UIA session to consume, if any.
    /// </summary>
    public async Task<LoginResponse> CreateAccountAsync(NewAccount account, UiaResult? auth, CancellationToken ct)
    {
        var userId = $"@{account.Localpart}:{config.ServerName}";
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var hash = new PasswordHasher(config).Hash(account.Password);

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        accounts.Add(
            new UserRow { UserId = userId, Localpart = account.Localpart, PasswordHash = hash, CreatedTs = now, IsAdmin = account.IsAdmin, UserType = account.UserType },
            new ProfileRow { UserId = userId, DisplayName = account.Localpart });
        IssuedSession? session = null;
        if (!account.InhibitLogin)
        {
            session = await sessions.IssueAsync(userId, account.DeviceId, account.DeviceDisplayName, account.WithRefreshToken, ct);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two registrations of one name raced; the unique key decided.
            throw MatrixError.UserInUse();
        }
        if (auth is not null) await uia.ConsumeAsync(auth, ct);
        await transaction.CommitAsync(ct);

        return new LoginResponse(userId, session?.AccessToken, session?.DeviceId, session?.RefreshToken, session?.ExpiresInMs,
            config.ServerName, null);
    }
}

/// <summary>What an account is made from.</summary>
public sealed record NewAccount(
    string Localpart, string Password, bool IsAdmin, string? UserType, bool InhibitLogin,
    string? DeviceId, string? DeviceDisplayName, bool WithRefreshToken);
