using Npgsql;
using Testcontainers.PostgreSql;

namespace Messenger.Homeserver.Tests.Support;

/// <summary>
/// Where PostgreSQL tests get their database: the server in <c>MESSENGER_TEST_POSTGRES</c> (CI starts one), else a
/// Testcontainers container when a Docker engine is present, else none — and then the tests are skipped with that
/// reason, never passed silently. Each fixture gets a database of its own, so test classes run in parallel.
/// </summary>
public static class TestDatabase
{
    public const string EnvironmentVariable = "MESSENGER_TEST_POSTGRES";

    private static readonly SemaphoreSlim ContainerLock = new(1, 1);
    private static PostgreSqlContainer? container;

    /// <summary>A connection string to a fresh, uniquely named database, or null with the reason there is none.</summary>
    public static async Task<(string? ConnectionString, string? SkipReason)> CreatePostgresAsync()
    {
        var server = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrEmpty(server))
        {
            if (!DockerAvailable())
                return (null, $"PostgreSQL tests need {EnvironmentVariable} (a connection string) or a Docker engine for Testcontainers; neither is available");
            server = await StartContainerAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = "messenger_test_" + Guid.NewGuid().ToString("N")[..12] };
        return (builder.ConnectionString, null);
    }

    /// <summary>
    /// Drops a database made by <see cref="CreatePostgresAsync"/>. On a loaded CI machine <c>DROP DATABASE ... WITH
    /// (FORCE)</c> can fail now and then (a backend of the stopped server still exiting, the checkpoint it waits for
    /// exceeding the command timeout); it is tried again, and if it still fails the database is left behind with a
    /// warning: it lives in a throw-away test cluster, and a failed cleanup is not a failed test.
    /// </summary>
    public static async Task DropPostgresAsync(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var name = builder.Database!;
        builder.Database = "postgres";
        builder.CommandTimeout = 120;
        builder.Pooling = false;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                NpgsqlConnection.ClearAllPools();
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                await command.ExecuteNonQueryAsync();
                return;
            }
            catch (NpgsqlException e) when (attempt < 3)
            {
                await Console.Error.WriteLineAsync($"test database {name}: drop attempt {attempt} failed ({e.Message}); trying again");
                await Task.Delay(TimeSpan.FromSeconds(attempt));
            }
            catch (NpgsqlException e)
            {
                await Console.Error.WriteLineAsync($"test database {name} left behind: {e}");
                return;
            }
        }
    }

    private static bool DockerAvailable() =>
        File.Exists("/var/run/docker.sock") || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST"));

    private static async Task<string> StartContainerAsync()
    {
        await ContainerLock.WaitAsync();
        try
        {
            if (container is null)
            {
                container = new PostgreSqlBuilder("postgres:16-alpine").Build();
                await container.StartAsync();
            }
            return container.GetConnectionString();
        }
        finally
        {
            ContainerLock.Release();
        }
    }
}
