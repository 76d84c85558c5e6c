namespace Messenger.Homeserver.Tests.Support;

/// <summary>The homeserver on a SQLite file in the fixture's directory.</summary>
public class SqliteServer : ServerFixture
{
    protected override Task<string?> DatabaseYamlAsync() => Task.FromResult<string?>("""
        database:
          type: sqlite
          sqlite_path: homeserver.db
        """);
}

/// <summary>The homeserver on a fresh PostgreSQL database (see <see cref="TestDatabase"/>).</summary>
public class PostgresServer : ServerFixture
{
    private string? connectionString;
    private string? reason;

    protected override string SkipReasonWhenNoDatabase => reason ?? "PostgreSQL not available";

    protected override async Task<string?> DatabaseYamlAsync()
    {
        (connectionString, reason) = await TestDatabase.CreatePostgresAsync();
        return connectionString is null ? null : $"""
            database:
              type: postgres
              connection_string: "{connectionString}"
            """;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (connectionString is not null) await TestDatabase.DropPostgresAsync(connectionString);
    }
}
