using Microsoft.Extensions.Configuration;

namespace Messenger.Homeserver.Configuration;

/// <summary>The <c>rate_limits</c> section: token buckets per IP (register, login) or per user (messages).</summary>
public sealed class RateLimitsConfig
{
    /// <summary><c>POST /register</c> per client IP. Default: 1/s, burst 50.</summary>
    [ConfigurationKeyName("registration")]
    public RateLimitConfig Registration { get; set; } = new() { PerSecond = 1, BurstCount = 50 };

    /// <summary><c>POST /login</c> per client IP. Default: 1/s, burst 50.</summary>
    [ConfigurationKeyName("login")]
    public RateLimitConfig Login { get; set; } = new() { PerSecond = 1, BurstCount = 50 };

    /// <summary>Sending events, per user. Default: 20/s, burst 200.</summary>
    [ConfigurationKeyName("message")]
    public RateLimitConfig Message { get; set; } = new() { PerSecond = 20, BurstCount = 200 };
}

/// <summary>One token bucket.</summary>
public sealed class RateLimitConfig
{
    /// <summary>Requests per second refilled.</summary>
    [ConfigurationKeyName("per_second")]
    public double PerSecond { get; set; }

    /// <summary>Bucket size: how many requests may come at once.</summary>
    [ConfigurationKeyName("burst_count")]
    public int BurstCount { get; set; }
}
