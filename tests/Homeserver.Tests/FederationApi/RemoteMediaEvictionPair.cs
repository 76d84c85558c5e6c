using Messenger.Homeserver.Tests.Media;
using Messenger.Homeserver.Tests.Support;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>
/// The <c>media_retention</c> of B in <see cref="SqliteRemoteMediaEvictionPair"/> and
/// <see cref="PostgresRemoteMediaEvictionPair"/>: room for two and a half items of <see cref="ItemSize"/> bytes, and
/// a 30-day lifetime.
/// </summary>
public static class RemoteMediaEvictionLimits
{
    /// <summary>The size of every test item: that of the one image (a thumbnail is made of it), the others padded to it.</summary>
    public static readonly int ItemSize = Image.Length;

    public static byte[] Image => MediaRequests.Image(96, 96);

    public static long MaxSize => ItemSize * 5L / 2;

    public static string Yaml(string serverName) => serverName == FederatingPair.NameB
        ? $"""
          media_retention:
            remote_media_lifetime: 30d
            remote_cache_max_size: {MaxSize}
          """
        : "";
}

/// <summary>Two federating servers on SQLite, B with a small remote media cache.</summary>
public sealed class SqliteRemoteMediaEvictionPair : SqliteFederatingPair
{
    protected override string ExtraYaml(string serverName) => RemoteMediaEvictionLimits.Yaml(serverName);
}

/// <summary>Two federating servers on PostgreSQL, B with a small remote media cache.</summary>
public sealed class PostgresRemoteMediaEvictionPair : PostgresFederatingPair
{
    protected override string ExtraYaml(string serverName) => RemoteMediaEvictionLimits.Yaml(serverName);
}
