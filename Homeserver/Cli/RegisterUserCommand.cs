using Messenger.Homeserver.ClientApi.Account;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.Cli;

/// <summary><c>register-user</c>: create an account directly in the database, e.g. the first admin of a closed server.</summary>
public static class RegisterUserCommand
{
    public static async Task<int> RunAsync(CommandArguments args)
    {
        var config = ConfigLoader.Load(args.ConfigPath);
        var username = args.Require("--user");
        var password = args.Require("--password");
        await using var app = HomeserverApp.Build(config);
        await HomeserverApp.InitializeAsync(app);
        await using var scope = app.Services.CreateAsyncScope();
        var registration = scope.ServiceProvider.GetRequiredService<RegistrationService>();
        try
        {
            var localpart = UsernamePolicy.Normalise(username);
            UsernamePolicy.Validate(localpart, config.ServerName);
            PasswordPolicy.Validate(password, config.Registration.PasswordMinLength);
            var created = await registration.CreateAccountAsync(
                new NewAccount(localpart, password, args.Has("--admin"), UserType: null, InhibitLogin: true,
                    DeviceId: null, DeviceDisplayName: null, WithRefreshToken: false), auth: null, CancellationToken.None);
            Console.WriteLine($"Created {created.UserId}{(args.Has("--admin") ? " (admin)" : "")}.");
            return 0;
        }
        catch (MatrixException e)
        {
            await Console.Error.WriteLineAsync($"Cannot create the account: {e.Message} ({e.Code})");
            return 1;
        }
    }
}
