using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Cli;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.Homeserver.Tests.Cli;

/// <summary>The executable's commands: generate-config, migrate, register-user, and usage errors.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "messenger-cli-" + Guid.NewGuid().ToString("N")[..8]);

    public CommandLineTests() => Directory.CreateDirectory(directory);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Generate_config_writes_a_loadable_closed_config_with_a_signing_key()
    {
        var path = Path.Combine(directory, "homeserver.yaml");

        Assert.Equal(0, await CommandLine.RunAsync(["generate-config", "--server-name", "chat.example.org", "--output", path]));

        var config = ConfigLoader.Load(path);
        Assert.Equal("chat.example.org", config.ServerName);
        Assert.False(config.Registration.EnableRegistration);
        Assert.False(string.IsNullOrEmpty(config.Registration.RegistrationSharedSecret));
        Assert.Equal(Path.Combine(directory, "homeserver.db"), config.Database.SqlitePath);
        Assert.Matches(@"^ed25519 [A-Za-z0-9_]+ [A-Za-z0-9+/]{43}\s*$", await File.ReadAllTextAsync(config.SigningKeyPath!));

        Assert.Equal(2, await CommandLine.RunAsync(["generate-config", "--server-name", "chat.example.org", "--output", path]));
    }

    [Fact]
    public async Task Register_user_creates_an_admin_with_a_working_password()
    {
        var path = Path.Combine(directory, "homeserver.yaml");
        await CommandLine.RunAsync(["generate-config", "--server-name", "example.org", "--output", path]);

        Assert.Equal(0, await CommandLine.RunAsync(["migrate", "-c", path]));
        Assert.Equal(0, await CommandLine.RunAsync(["register-user", "--config", path, "--user", "Root", "--password", "correct horse", "--admin"]));
        Assert.Equal(1, await CommandLine.RunAsync(["register-user", "--config", path, "--user", "root", "--password", "correct horse"]));

        await using var app = HomeserverApp.Build(ConfigLoader.Load(path));
        await using var scope = app.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<AccountStore>().FindAsync("@root:example.org");
        Assert.NotNull(user);
        Assert.True(user.IsAdmin);
        Assert.True(PasswordHasher.Verify("correct horse", user.PasswordHash));
        Assert.False(PasswordHasher.Verify("wrong horse", user.PasswordHash));
    }

    [Fact]
    public async Task Bad_arguments_and_bad_config_have_their_exit_codes()
    {
        Assert.Equal(2, await CommandLine.RunAsync(["frobnicate"]));
        Assert.Equal(2, await CommandLine.RunAsync(["register-user", "--config"]));
        Assert.Equal(1, await CommandLine.RunAsync(["migrate", "--config", Path.Combine(directory, "missing.yaml")]));
        Assert.Equal(0, await CommandLine.RunAsync(["--help"]));
    }
}
