namespace Messenger.Homeserver.Configuration;

/// <summary>The configuration cannot be used; <see cref="Problems"/> lists every problem found, each with its YAML path.</summary>
public sealed class ConfigException(string source, IReadOnlyList<string> problems)
    : Exception($"{source} has {problems.Count} problem(s):{Environment.NewLine}" +
                string.Join(Environment.NewLine, problems.Select(p => "  - " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
