using Messenger.Homeserver.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Messenger.Homeserver.Storage;

/// <summary>Registers the database of the configured provider and applies migrations.</summary>
public static class StorageSetup
{
    /// <remarks>
    /// Contexts are pooled: every request and background step takes one, and building a fresh context (its options,
    /// services and connection object) cost more CPU than many of the queries it then ran. A pooled context is reset
    /// (change tracker, transaction) before reuse, and keeps its connection object.
    /// </remarks>
    public static IServiceCollection AddStorage(this IServiceCollection services, HomeserverConfig config)
    {
        var database = config.Database;
        if (database.Type == DatabaseConfig.Postgres)
        {
            services.AddDbContextPool<HomeserverDbContext, PostgresHomeserverDbContext>(o => o.UseNpgsql(PostgresConnectionString(database.ConnectionString!)).AddInterceptors(new AfterCommit()));
        }
        else
        {
            var connectionString = SqliteConnectionString(database.SqlitePath!);
            services.AddDbContextPool<HomeserverDbContext, SqliteHomeserverDbContext>(o => o.UseSqlite(connectionString).AddInterceptors(new AfterCommit(), new SqliteBusyTimeout()));
        }
        services.AddSingleton<StateGroupCache>();
        services.AddScoped<AccountStore>();
        services.AddScoped<DeviceStore>();
        services.AddScoped<UiaSessionStore>();
        return services;
    }

    /// <summary>
    /// The configured PostgreSQL connection string, with Npgsql's automatic preparation on unless it says otherwise
    /// (<c>Max Auto Prepare</c>). Every statement of the event path and most queries are the same few SQL texts; sent
    /// unprepared, PostgreSQL parsed, analysed and planned each anew, about a fifth of its CPU per message, on the same
    /// cores as the homeserver. Prepared statements live per physical connection. Behind a pooler in transaction mode
    /// that cannot keep them, set <c>Max Auto Prepare=0</c>. A connection going back to the pool is not reset
    /// (<c>No Reset On Close</c>): Npgsql's reset is seven statements (<c>RESET ALL</c>, <c>UNLISTEN *</c>…) that
    /// PostgreSQL parsed and ran before each message's transaction, for session state nothing here sets.
    /// </summary>
    internal static string PostgresConnectionString(string configured)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = configured };
        var builder = new NpgsqlConnectionStringBuilder(configured);
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare")) builder.MaxAutoPrepare = 200;
        if (!given.ContainsKey("Auto Prepare Min Usages") && !given.ContainsKey("AutoPrepareMinUsages")) builder.AutoPrepareMinUsages = 2;
        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose")) builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }

    /// <summary>
    /// WAL (set after migrating) lets readers run while a writer commits; SQLite's default <c>synchronous=FULL</c>
    /// keeps every acknowledged commit across a crash (event transactions get the same guarantee from one shared sync,
    /// <see cref="SqliteGroupSync"/>); the busy timeout makes concurrent writers wait instead of failing.
    /// </summary>
    internal static string SqliteConnectionString(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Cache = SqliteCacheMode.Private,
        DefaultTimeout = 30,
        Pooling = true,
    }.ToString();

    /// <summary>Creates the database if needed and applies every pending migration (never <c>EnsureCreated</c>).</summary>
    public static async Task MigrateAsync(IServiceProvider services, HomeserverConfig config, CancellationToken cancellationToken = default)
    {
        if (config.Database.Type == DatabaseConfig.Sqlite)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(config.Database.SqlitePath!)!);
        }
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HomeserverDbContext>();
        await db.Database.MigrateAsync(cancellationToken);
        if (config.Database.Type == DatabaseConfig.Sqlite)
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }
}
