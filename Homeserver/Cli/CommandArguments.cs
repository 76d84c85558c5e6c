namespace Messenger.Homeserver.Cli;

/// <summary>The parsed command line: a command word and <c>--name value</c> options (flags have no value).</summary>
public sealed class CommandArguments
{
    private static readonly HashSet<string> Flags = ["--admin", "--help", "-h"];
    private static readonly HashSet<string> Commands = ["run", "generate-config", "migrate", "register-user", "help"];

    private readonly Dictionary<string, string> options = new(StringComparer.Ordinal);

    public string Command { get; private set; } = "run";

    public string ConfigPath => Get("--config") ?? "homeserver.yaml";

    public string? Get(string name) => options.GetValueOrDefault(name);

    public bool Has(string name) => options.ContainsKey(name);

    public string Require(string name) => Get(name) ?? throw new ArgumentException($"{Command}: {name} is required");

    public static CommandArguments Parse(string[] args)
    {
        var parsed = new CommandArguments();
        var i = 0;
        if (args.Length > 0 && !args[0].StartsWith('-'))
        {
            if (!Commands.Contains(args[0])) throw new ArgumentException($"unknown command '{args[0]}'");
            parsed.Command = args[0];
            i = 1;
        }
        for (; i < args.Length; i++)
        {
            var name = args[i] == "-c" ? "--config" : args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) && name != "-h") throw new ArgumentException($"unexpected argument '{name}'");
            if (Flags.Contains(name))
            {
                parsed.options[name] = "true";
                continue;
            }
            if (i + 1 >= args.Length) throw new ArgumentException($"{name} needs a value");
            parsed.options[name] = args[++i];
        }
        if (parsed.Has("--help") || parsed.Has("-h")) parsed.Command = "help";
        return parsed;
    }
}
