namespace Messenger.Homeserver.Tests.Support;

/// <summary>
/// Two federating homeservers, <c>a.fed.test</c> and <c>b.fed.test</c>, sharing a <see cref="TestDns"/>. B blocks
/// <c>blocked.fed.test</c>. Subclasses choose the database; each server gets its own.
/// </summary>
public abstract class FederatingPair : IAsyncLifetime
{
    public const string NameA = "a.fed.test";
    public const string NameB = "b.fed.test";
    public const string Blocked = "blocked.fed.test";

    private readonly List<Func<Task>> cleanups = [];
    private string? skipReason;
    private FederatingServer? a;
    private FederatingServer? b;

    public TestDns Dns { get; } = new();

    public FederatingServer A => Available(a);
    public FederatingServer B => Available(b);

    /// <summary>Top-level YAML sections added to one server's configuration (e.g. smaller limits).</summary>
    protected virtual string ExtraYaml(string serverName) => "";

    /// <summary>Whether one server verifies the others' (self-signed) certificates, as production does; default: no.</summary>
    protected virtual bool VerifiesTls(string serverName) => false;

    /// <summary>The database section for one server, or null (with a reason) when the database is not available.</summary>
    protected abstract Task<(string? Yaml, string? SkipReason, Func<Task>? Cleanup)> DatabaseAsync(string serverName);

    public async ValueTask InitializeAsync()
    {
        var (yamlA, reasonA, cleanupA) = await DatabaseAsync(NameA);
        var (yamlB, reasonB, cleanupB) = await DatabaseAsync(NameB);
        if (cleanupA is not null) cleanups.Add(cleanupA);
        if (cleanupB is not null) cleanups.Add(cleanupB);
        if (yamlA is null || yamlB is null)
        {
            skipReason = reasonA ?? reasonB ?? "database not available";
            return;
        }
        a = await FederatingServer.StartAsync(NameA, Dns, yamlA, "\n" + ExtraYaml(NameA), VerifiesTls(NameA));
        b = await FederatingServer.StartAsync(NameB, Dns, yamlB, $"""
              domain_blacklist: ["{Blocked}"]
            {ExtraYaml(NameB)}
            """, VerifiesTls(NameB));
    }

    private FederatingServer Available(FederatingServer? server)
    {
        if (skipReason is not null) Assert.Skip(skipReason);
        return server!;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (a is not null) await a.DisposeAsync();
        }
        finally
        {
            if (b is not null) await b.DisposeAsync();
            foreach (var cleanup in cleanups) await cleanup();
        }
        GC.SuppressFinalize(this);
    }
}

/// <summary>Both servers on SQLite files.</summary>
public class SqliteFederatingPair : FederatingPair
{
    protected override Task<(string? Yaml, string? SkipReason, Func<Task>? Cleanup)> DatabaseAsync(string serverName) =>
        Task.FromResult<(string?, string?, Func<Task>?)>(("""
            database:
              type: sqlite
              sqlite_path: homeserver.db
            """, null, null));
}

/// <summary>Both servers on PostgreSQL, a database each.</summary>
public class PostgresFederatingPair : FederatingPair
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
