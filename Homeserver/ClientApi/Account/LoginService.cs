using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.ClientApi.Discovery;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Http;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Account;

/// <summary>Login, token refresh and logout ("Login", "Refreshing access tokens", "Logout").</summary>
public sealed class LoginService(AccountStore accounts, DeviceStore devices, SessionIssuer sessions, HomeserverConfig config, TimeProvider time)
{
    public const string PasswordLoginType = "m.login.password";

    /// <summary>POST /login with <c>m.login.password</c>: wrong user or password is 403 <c>M_FORBIDDEN</c>, a deactivated account 403 <c>M_USER_DEACTIVATED</c>.</summary>
    public async Task<LoginResponse> LoginAsync(JsonObject body, CancellationToken ct)
    {
        var request = MatrixJson.Bind<LoginRequest>(body);
        var type = MatrixJson.Require(request.Type, "type");
        if (type != PasswordLoginType) throw MatrixError.BadRequest($"Unknown login type '{type}'");

        var userId = LoginIdentifier.ReadUser(body, config.ServerName)
            ?? throw MatrixError.BadRequest("Unsupported or missing identifier; use type m.id.user");
        var password = MatrixJson.Require(request.Password, "password");

        var account = await accounts.FindAsync(userId, ct);
        if (account is { IsDeactivated: true }) throw MatrixError.UserDeactivated();
        if (account is null || !PasswordHasher.Verify(password, account.PasswordHash))
            throw MatrixError.Forbidden("Invalid username or password");

        var session = await sessions.IssueAsync(userId, request.DeviceId, request.InitialDeviceDisplayName, request.RefreshToken == true, ct);
        await devices.SaveAsync(ct);
        return new LoginResponse(userId, session.AccessToken, session.DeviceId, session.RefreshToken, session.ExpiresInMs,
            config.ServerName, new WellKnownClient(new WellKnownBaseUrl(config.PublicBaseUrl!)));
    }

    /// <summary>
    /// POST /refresh: a new access and refresh token for the same device. The old refresh token stays usable until
    /// the new pair is used (a client that lost the response can retry); refreshing it again replaces the unused pair.
    /// </summary>
    public async Task<RefreshResponse> RefreshAsync(string? refreshToken, CancellationToken ct)
    {
        var token = MatrixJson.Require(refreshToken, "refresh_token");
        var row = await devices.FindRefreshTokenAsync(SecretTokens.HashOf(token), ct)
            ?? throw MatrixError.UnknownToken("Invalid refresh token");

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        IssuedSession issued = null!;
        await devices.InTransactionAsync(async () =>
        {
            if (row.NextTokenId is { } unusedSuccessor) await devices.DeleteRefreshChainAsync(unusedSuccessor, ct);
            issued = sessions.StageTokens(row.UserId, row.DeviceId, withRefreshToken: true, now, created => row.Next = created);
            await devices.SaveAsync(ct);
        }, ct);
        return new RefreshResponse(issued.AccessToken, issued.RefreshToken, issued.ExpiresInMs);
    }

    /// <summary>POST /logout: the device of the token goes, with all its tokens ("Relationship between access tokens and devices").</summary>
    public Task LogoutAsync(Requester requester, CancellationToken ct) => devices.DeleteAsync(requester.UserId, [requester.DeviceId], ct);

    /// <summary>POST /logout/all: every device of the user goes.</summary>
    public async Task LogoutAllAsync(Requester requester, CancellationToken ct)
    {
        var all = await devices.ListIdsExceptAsync(requester.UserId, keep: null, ct);
        await devices.DeleteAsync(requester.UserId, all, ct);
    }
}
