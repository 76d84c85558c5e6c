using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.Cli;

/// <summary><c>migrate</c>: apply pending database migrations and exit (the server also does this at start).</summary>
public static class MigrateCommand
{
    public static async Task<int> RunAsync(CommandArguments args)
    {
        var config = ConfigLoader.Load(args.ConfigPath);
        await using var app = HomeserverApp.Build(config);
        await StorageSetup.MigrateAsync(app.Services, config);
        Console.WriteLine($"Database ({config.Database.Type}) is up to date.");
        return 0;
    }
}
