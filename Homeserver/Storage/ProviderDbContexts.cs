using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>The model on SQLite (embedded default); its migrations are in <c>Migrations/Sqlite</c>.</summary>
public sealed class SqliteHomeserverDbContext(DbContextOptions<SqliteHomeserverDbContext> options) : HomeserverDbContext(options);

/// <summary>The model on PostgreSQL (production); its migrations are in <c>Migrations/Postgres</c>.</summary>
public sealed class PostgresHomeserverDbContext(DbContextOptions<PostgresHomeserverDbContext> options) : HomeserverDbContext(options);
