using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Account;

/// <summary>Password change and deactivation ("Account management"), both behind <c>m.login.password</c>.</summary>
public sealed class AccountService(AccountStore accounts, DeviceStore devices, UserInteractiveAuth uia, HomeserverConfig config)
{
    private static readonly IReadOnlyList<UiaFlow> PasswordFlow = [new UiaFlow(UiaFlow.Password)];

    /// <summary>
    /// POST /account/password. With an access token the password stage must prove that user; without one (allowed by
    /// the spec) it names the user. <c>logout_devices</c> (default true) logs out every other device.
    /// </summary>
    public async Task ChangePasswordAsync(JsonObject body, Requester? requester, CancellationToken ct)
    {
        var newPassword = body["new_password"] switch
        {
            null => throw MatrixError.MissingParam("new_password"),
            JsonValue v when v.TryGetValue(out string? pw) => pw,
            _ => throw MatrixError.BadJson("new_password must be a string"),
        };
        var logoutDevices = body["logout_devices"] switch
        {
            null => true,
            JsonValue b when b.TryGetValue(out bool flag) => flag,
            _ => throw MatrixError.BadJson("logout_devices must be a boolean"),
        };
        PasswordPolicy.Validate(newPassword, config.Registration.PasswordMinLength);

        var auth = await uia.AuthenticateAsync(body, "account_password", PasswordFlow, requester?.UserId, ct);
        var userId = requester?.UserId ?? auth.UserId ?? throw MatrixError.Forbidden("No user authenticated");
        var hash = new PasswordHasher(config).Hash(newPassword);

        await devices.InTransactionAsync(async () =>
        {
            await accounts.SetPasswordHashAsync(userId, hash, ct);
            if (logoutDevices)
            {
                var others = await devices.ListIdsExceptAsync(userId, requester?.DeviceId, ct);
                await devices.DeleteAsync(userId, others, ct);
            }
            await uia.ConsumeAsync(auth, ct);
        }, ct);
    }

    /// <summary>
    /// POST /account/deactivate: the account can never log in again and all its devices go.
    /// We run no identity server binding, so <c>id_server_unbind_result</c> is <c>no-support</c>.
    /// </summary>
    public async Task DeactivateAsync(JsonObject body, Requester? requester, CancellationToken ct)
    {
        var auth = await uia.AuthenticateAsync(body, "account_deactivate", PasswordFlow, requester?.UserId, ct);
        var userId = requester?.UserId ?? auth.UserId ?? throw MatrixError.Forbidden("No user authenticated");
        await devices.InTransactionAsync(async () =>
        {
            await accounts.DeactivateAsync(userId, ct);
            var all = await devices.ListIdsExceptAsync(userId, keep: null, ct);
            await devices.DeleteAsync(userId, all, ct);
            await uia.ConsumeAsync(auth, ct);
        }, ct);
    }
}
