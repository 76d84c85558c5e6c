using Messenger.Homeserver.Tests.Support;

namespace Messenger.Homeserver.Tests.Media;

/// <summary>A SQLite homeserver whose uploads are limited to <see cref="MediaLimits.MaxUploadSize"/> bytes.</summary>
public sealed class MediaSqliteServer : SqliteServer
{
    protected override string ExtraYaml => MediaLimits.Yaml;
}

/// <summary>A PostgreSQL homeserver whose uploads are limited to <see cref="MediaLimits.MaxUploadSize"/> bytes.</summary>
public sealed class MediaPostgresServer : PostgresServer
{
    protected override string ExtraYaml => MediaLimits.Yaml;
}

/// <summary>The upload limit of the media test servers: small, so that going over it is cheap.</summary>
public static class MediaLimits
{
    public const int MaxUploadSize = 65536;

    public static readonly string Yaml = $"""
        limits:
          max_upload_size: {MaxUploadSize}
        enable_authenticated_media: false
        """;
}
