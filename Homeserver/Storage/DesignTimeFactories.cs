using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Messenger.Homeserver.Storage;

/// <summary>Lets <c>dotnet ef migrations add</c> build the SQLite context without starting the server.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteHomeserverDbContext>
{
    public SqliteHomeserverDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteHomeserverDbContext>().UseSqlite("Data Source=design.db").Options);
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the PostgreSQL context without a database.</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresHomeserverDbContext>
{
    public PostgresHomeserverDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresHomeserverDbContext>().UseNpgsql("Host=localhost").Options);
}
