using Microsoft.Extensions.Configuration;

namespace Messenger.Homeserver.Configuration;

/// <summary>The <c>database</c> section.</summary>
public sealed class DatabaseConfig
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary><c>sqlite</c> (embedded, default: nothing to install) or <c>postgres</c> (production, and the only way to run several processes).</summary>
    [ConfigurationKeyName("type")]
    public string Type { get; set; } = Sqlite;

    /// <summary>SQLite database file. Default: <c>data/homeserver.db</c>.</summary>
    [ConfigurationKeyName("sqlite_path")]
    public string? SqlitePath { get; set; }

    /// <summary>Npgsql connection string, e.g. <c>Host=127.0.0.1;Database=messenger;Username=messenger;Password=...</c>. Required for postgres.</summary>
    [ConfigurationKeyName("connection_string")]
    public string? ConnectionString { get; set; }
}
