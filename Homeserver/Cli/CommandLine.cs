using Messenger.Homeserver.Configuration;

namespace Messenger.Homeserver.Cli;

/// <summary>
/// The executable's commands: run the server (default), <c>generate-config</c>, <c>migrate</c>, <c>register-user</c>.
/// <c>--config PATH</c> / <c>-c PATH</c> picks the config file (default <c>./homeserver.yaml</c>).
/// </summary>
public static class CommandLine
{
    public const string Usage = """
        Messenger homeserver

        Usage:
          Messenger.Homeserver [run] [--config PATH]            serve (default config: ./homeserver.yaml)
          Messenger.Homeserver generate-config --server-name NAME --output PATH
                                                                write a fresh config and signing key
          Messenger.Homeserver migrate [--config PATH]          apply database migrations and exit
          Messenger.Homeserver register-user --user NAME --password PASSWORD [--admin] [--config PATH]
                                                                create an account directly in the database
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        CommandArguments parsed;
        try
        {
            parsed = CommandArguments.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message + Environment.NewLine + Environment.NewLine + Usage);
            return 2;
        }

        try
        {
            return parsed.Command switch
            {
                "help" => Help(),
                "generate-config" => GenerateConfigCommand.Run(parsed),
                "migrate" => await MigrateCommand.RunAsync(parsed),
                "register-user" => await RegisterUserCommand.RunAsync(parsed),
                "run" => await RunServerAsync(parsed),
                _ => throw new ArgumentException($"unknown command '{parsed.Command}'"),
            };
        }
        catch (ConfigException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message + Environment.NewLine + Environment.NewLine + Usage);
            return 2;
        }
    }

    private static int Help()
    {
        Console.WriteLine(Usage);
        return 0;
    }

    private static async Task<int> RunServerAsync(CommandArguments args)
    {
        var config = ConfigLoader.Load(args.ConfigPath);
        var app = HomeserverApp.Build(config);
        await HomeserverApp.InitializeAsync(app);
        await app.RunAsync();
        return 0;
    }
}
