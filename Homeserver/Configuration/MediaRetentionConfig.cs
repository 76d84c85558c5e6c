using Microsoft.Extensions.Configuration;

namespace Messenger.Homeserver.Configuration;

/// <summary>
/// The <c>media_retention</c> section (Synapse's name): how long media fetched from other servers stays cached.
/// Remote media can always be fetched again from its origin, so the cache may forget it; local uploads are never
/// touched here. An hourly job applies both rules (<c>Jobs.RemoteMediaEvictionJob</c>).
/// </summary>
public sealed class MediaRetentionConfig
{
    /// <summary>
    /// Remote media not asked for during this long is dropped from the cache: milliseconds, or a number with
    /// <c>s</c>, <c>m</c>, <c>h</c>, <c>d</c> or <c>w</c> (Synapse's <c>media_retention.remote_media_lifetime</c>).
    /// Default: unset, as Synapse: only the size limit applies.
    /// </summary>
    [ConfigurationKeyName("remote_media_lifetime")]
    public string? RemoteMediaLifetime { get; set; }

    /// <summary>
    /// Bytes of remote media kept at most; over it the least recently used is dropped until the cache fits. 0: no
    /// limit. Default: 10 GiB, so that a server in busy federated rooms does not fill its disk with other servers'
    /// media.
    /// </summary>
    [ConfigurationKeyName("remote_cache_max_size")]
    public long RemoteCacheMaxSize { get; set; } = 10L * 1024 * 1024 * 1024;

    /// <summary><see cref="RemoteMediaLifetime"/> parsed; null when unset (or invalid, which validation reports).</summary>
    public TimeSpan? Lifetime => VoipConfig.ParseDuration(RemoteMediaLifetime);
}
