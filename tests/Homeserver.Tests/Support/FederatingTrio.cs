namespace Messenger.Homeserver.Tests.Support;

/// <summary>
/// Three federating homeservers, <c>a.fed.test</c>, <c>b.fed.test</c> and <c>c.fed.test</c>, sharing a
/// <see cref="TestDns"/>, each on its own database of the kind the subclass chooses (as <see cref="FederatingPair"/>).
/// </summary>
public abstract class FederatingTrio : IAsyncLifetime
{
    public const string NameC = "c.fed.test";

    private readonly List<Func<Task>> cleanups = [];
    private readonly List<FederatingServer> servers = [];
    private string? skipReason;

    public TestDns Dns { get; } = new();

    public FederatingServer A => Available(0);
    public FederatingServer B => Available(1);
    public FederatingServer C => Available(2);

    /// <summary>The database section for one server, or null (with a reason) when the database is not available.</summary>
    protected abstract Task<(string? Yaml, string? SkipReason, Func<Task>? Cleanup)> DatabaseAsync(string serverName);

    public async ValueTask InitializeAsync()
    {
        foreach (var name in new[] { FederatingPair.NameA, FederatingPair.NameB, NameC })
        {
            var (yaml, reason, cleanup) = await DatabaseAsync(name);
            if (cleanup is not null) cleanups.Add(cleanup);
            if (yaml is null)
            {
                skipReason = reason ?? "database not available";
                return;
            }
            servers.Add(await FederatingServer.StartAsync(name, Dns, yaml));
        }
    }

    private FederatingServer Available(int index)
    {
        if (skipReason is not null) Assert.Skip(skipReason);
        return servers[index];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in servers) await server.DisposeAsync();
        foreach (var cleanup in cleanups) await cleanup();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Three servers on SQLite files.</summary>
public sealed class SqliteFederatingTrio : FederatingTrio
{
    protected override Task<(string? Yaml, string? SkipReason, Func<Task>? Cleanup)> DatabaseAsync(string serverName) =>
        Task.FromResult<(string?, string?, Func<Task>?)>(("""
            database:
              type: sqlite
              sqlite_path: homeserver.db
            """, null, null));
}

/// <summary>Three servers on PostgreSQL, a database each.</summary>
public sealed class PostgresFederatingTrio : FederatingTrio
{
    protected override async Task<(string? Yaml, string? SkipReason, Func<Task>? Cleanup)> DatabaseAsync(string serverName)
    {
        var (connectionString, reason) = await TestDatabase.CreatePostgresAsync();
        if (connectionString is null) return (null, reason, null);
        return ($"""
            database:
              type: postgres
              connection_string: "{connectionString}"
            """, null, () => TestDatabase.DropPostgresAsync(connectionString));
    }
}
