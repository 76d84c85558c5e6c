using Messenger.Homeserver.Configuration;

namespace Messenger.Homeserver.Tests.Configuration;

/// <summary>Loading homeserver.yaml: every problem reported at once with its key path; paths resolved against the file.</summary>
public sealed class ConfigLoaderTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "messenger-config-" + Guid.NewGuid().ToString("N")[..8]);

    public ConfigLoaderTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string Write(string yaml)
    {
        var path = Path.Combine(directory, "homeserver.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private static ConfigException Problems(string path, IEnumerable<KeyValuePair<string, string?>>? overrides = null) =>
        Assert.Throws<ConfigException>(() => ConfigLoader.Load(path, overrides));

    [Fact]
    public void Minimal_file_loads_with_defaults_resolved_against_its_directory()
    {
        var config = ConfigLoader.Load(Write("server_name: example.org\n"));

        Assert.Equal("example.org", config.ServerName);
        Assert.Equal(DatabaseConfig.Sqlite, config.Database.Type);
        Assert.Equal(Path.Combine(directory, "data", "homeserver.db"), config.Database.SqlitePath);
        Assert.Equal(Path.Combine(directory, "data", "example.org.signing.key"), config.SigningKeyPath);
        Assert.Equal("http://example.org:8008/", config.PublicBaseUrl);
        Assert.False(config.Registration.EnableRegistration);
        Assert.Equal(8448, config.Listeners.Federation.Port);
    }

    [Fact]
    public void Unknown_key_is_named_with_its_path()
    {
        var error = Problems(Write("server_name: example.org\nregistration:\n  enable_registraton: true\n"));
        Assert.Contains("registration.enable_registraton: unknown key", error.Problems);
    }

    [Fact]
    public void Wrong_type_is_named_with_its_path()
    {
        var error = Problems(Write("server_name: example.org\nregistration:\n  enable_registration: yes please\nlisteners:\n  client:\n    port: eighty\n"));
        Assert.Contains(error.Problems, p => p.StartsWith("registration.enable_registration: 'yes please' is not a valid boolean", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("listeners.client.port: 'eighty'", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var error = Problems(Write("database:\n  type: oracle\nbogus: 1\nrate_limits:\n  login: { per_second: 0, burst_count: 0 }\n"));
        Assert.Contains("bogus: unknown key", error.Problems);
        Assert.Single(error.Problems); // schema problems stop before value checks; fixing them shows the rest

        error = Problems(Write("database:\n  type: oracle\nrate_limits:\n  login: { per_second: 0, burst_count: 0 }\n"));
        Assert.Contains(error.Problems, p => p.StartsWith("server_name: required", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("database.type: 'oracle'", StringComparison.Ordinal));
        Assert.Contains("rate_limits.login.per_second: must be positive", error.Problems);
        Assert.Contains("rate_limits.login.burst_count: must be at least 1", error.Problems);
        Assert.Contains("database.type", error.Message);
    }

    [Fact]
    public void Postgres_needs_a_connection_string()
    {
        var error = Problems(Write("server_name: example.org\ndatabase:\n  type: postgres\n"));
        Assert.Contains("database.connection_string: required when database.type is postgres", error.Problems);
    }

    [Theory]
    [InlineData("bad name!")]
    [InlineData("example.org:99999")]
    [InlineData("[not-ipv6]")]
    public void Invalid_server_name_is_refused(string name)
    {
        var error = Problems(Write($"server_name: \"{name}\"\n"));
        Assert.Contains(error.Problems, p => p.StartsWith("server_name:", StringComparison.Ordinal));
    }

    [Fact]
    public void A_list_where_a_value_belongs_and_a_value_where_a_list_belongs_are_refused()
    {
        var error = Problems(Write("server_name: example.org\napp_service_config_files: one.yaml\nlisteners:\n  client:\n    port: [1, 2]\n"));
        Assert.Contains("app_service_config_files: expected a list", error.Problems);
        Assert.Contains("listeners.client.port: expected a single value, found a section", error.Problems);
    }

    [Fact]
    public void Invalid_yaml_is_reported_not_thrown_raw()
    {
        var error = Problems(Write("server_name: [unclosed\n"));
        Assert.Contains(error.Problems, p => p.StartsWith("not valid YAML", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_file_says_how_to_make_one()
    {
        var error = Problems(Path.Combine(directory, "absent.yaml"));
        Assert.Contains("generate-config", error.Problems.Single());
    }

    [Fact]
    public void Overrides_replace_file_values_and_are_checked_too()
    {
        var path = Write("server_name: example.org\n");
        var config = ConfigLoader.Load(path, [new("database:sqlite_path", "/var/lib/messenger/db.sqlite"), new("listeners:client:port", "8080")]);
        Assert.Equal("/var/lib/messenger/db.sqlite", config.Database.SqlitePath);
        Assert.Equal("http://example.org:8080/", config.PublicBaseUrl);

        var error = Problems(path, [new("listeners:client:prot", "1")]);
        Assert.Contains("listeners.client.prot: unknown key", error.Problems);
    }

    [Fact]
    public void Registration_tokens_are_validated()
    {
        var error = Problems(Write("server_name: example.org\nregistration:\n  registration_tokens:\n    - token: \"has space\"\n    - token: ok\n      uses_allowed: -1\n"));
        Assert.Contains(error.Problems, p => p.StartsWith("registration.registration_tokens[0].token", StringComparison.Ordinal));
        Assert.Contains("registration.registration_tokens[1].uses_allowed: must not be negative", error.Problems);
    }
}
