using Messenger.Homeserver.Tests.Support;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>The limits of <see cref="SqliteMediaFederatingPair"/> and <see cref="PostgresMediaFederatingPair"/>: B takes less than A stores.</summary>
public static class MediaPairLimits
{
    /// <summary>B's <c>limits.max_upload_size</c>; A keeps the default (50 MiB).</summary>
    public const int MaxUploadSizeB = 64 * 1024;

    public static string Yaml(string serverName) => serverName == FederatingPair.NameB
        ? $"""
          limits:
            max_upload_size: {MaxUploadSizeB}
          """
        : "";
}

/// <summary>Two federating servers on SQLite, B with a small upload (and remote media) limit.</summary>
public sealed class SqliteMediaFederatingPair : SqliteFederatingPair
{
    protected override string ExtraYaml(string serverName) => MediaPairLimits.Yaml(serverName);
}

/// <summary>Two federating servers on PostgreSQL, B with a small upload (and remote media) limit.</summary>
public sealed class PostgresMediaFederatingPair : PostgresFederatingPair
{
    protected override string ExtraYaml(string serverName) => MediaPairLimits.Yaml(serverName);
}
