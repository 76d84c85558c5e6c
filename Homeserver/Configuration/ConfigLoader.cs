using Microsoft.Extensions.Configuration;

namespace Messenger.Homeserver.Configuration;

/// <summary>
/// Loads <c>homeserver.yaml</c>, lets environment variables (<c>MESSENGER__</c> prefix, <c>__</c> between levels,
/// e.g. <c>MESSENGER__database__type=postgres</c>; the double underscore keeps other MESSENGER_ variables such as
/// MESSENGER_TEST_POSTGRES out) and test overrides replace keys, checks every key and value,
/// and resolves relative paths against the file's directory. Every problem is reported at once.
/// </summary>
public static class ConfigLoader
{
    public const string EnvironmentPrefix = "MESSENGER__";

    public static HomeserverConfig Load(string path, IEnumerable<KeyValuePair<string, string?>>? overrides = null)
    {
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
            throw new ConfigException(fullPath, [$"file not found; create one with 'generate-config --server-name NAME --output {path}'"]);

        IConfigurationRoot root;
        try
        {
            root = new ConfigurationBuilder()
                .AddYamlFile(fullPath, optional: false, reloadOnChange: false)
                .AddEnvironmentVariables(EnvironmentPrefix)
                .AddInMemoryCollection(overrides ?? [])
                .Build();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException || e.GetType().Namespace?.StartsWith("YamlDotNet", StringComparison.Ordinal) == true)
        {
            throw new ConfigException(fullPath, [$"not valid YAML: {e.Message}"]);
        }

        var config = FromConfiguration(root, fullPath);
        config.BaseDirectory = Path.GetDirectoryName(fullPath)!;
        ResolvePaths(config);
        return config;
    }

    /// <summary>Binds and validates an already built configuration; <paramref name="source"/> names it in errors.</summary>
    internal static HomeserverConfig FromConfiguration(IConfiguration root, string source)
    {
        var problems = new List<string>();
        ConfigSchemaCheck.Check(root, typeof(HomeserverConfig), problems);
        if (problems.Count > 0) throw new ConfigException(source, problems);

        var config = new HomeserverConfig();
        root.Bind(config);
        ConfigValidation.Validate(config, problems);
        if (problems.Count > 0) throw new ConfigException(source, problems);
        return config;
    }

    /// <summary>Fills defaults that depend on other keys and makes every path absolute.</summary>
    private static void ResolvePaths(HomeserverConfig config)
    {
        string Resolve(string path) => Path.GetFullPath(path, config.BaseDirectory);
        string? ResolveOptional(string? path) => string.IsNullOrEmpty(path) ? null : Resolve(path);

        config.SigningKeyPath = Resolve(string.IsNullOrEmpty(config.SigningKeyPath)
            ? Path.Combine("data", config.ServerName.Replace(':', '_') + ".signing.key")
            : config.SigningKeyPath);
        config.MediaStorePath = Resolve(string.IsNullOrEmpty(config.MediaStorePath) ? Path.Combine("data", "media") : config.MediaStorePath);
        config.Database.SqlitePath = Resolve(string.IsNullOrEmpty(config.Database.SqlitePath)
            ? Path.Combine("data", "homeserver.db")
            : config.Database.SqlitePath);
        config.AppServiceConfigFiles = config.AppServiceConfigFiles.Select(Resolve).ToList();
        foreach (var listener in new[] { config.Listeners.Client, config.Listeners.Federation })
        {
            listener.TlsCertificatePath = ResolveOptional(listener.TlsCertificatePath);
            listener.TlsPrivateKeyPath = ResolveOptional(listener.TlsPrivateKeyPath);
        }
        if (string.IsNullOrEmpty(config.PublicBaseUrl))
        {
            var host = config.ServerName.Contains(':') && !config.ServerName.EndsWith(']')
                ? config.ServerName[..config.ServerName.LastIndexOf(':')]
                : config.ServerName;
            config.PublicBaseUrl = $"http://{host}:{config.Listeners.Client.Port}/";
        }
        if (!config.PublicBaseUrl.EndsWith('/')) config.PublicBaseUrl += "/";
    }
}
