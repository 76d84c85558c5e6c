using System.Net.Http.Headers;

namespace Messenger.Federation.Discovery;

/// <summary>
/// How long a <c>/.well-known/matrix/server</c> answer is cached (server-server API, "Resolving server names",
/// step 3): the response's cache headers when present, 24 hours when not, never more than 48 hours; and never
/// less than 5 minutes so that <c>no-store</c> cannot make every request fetch it again (as Synapse does). Failures
/// are cached too: an invalid answer for an hour, an unreachable server with exponential back-off from two minutes
/// up to that hour ("Errors are recommended to be cached for up to an hour ... exponentially back off").
/// </summary>
public static class WellKnownCachePolicy
{
    public static readonly TimeSpan Default = TimeSpan.FromHours(24);
    public static readonly TimeSpan Maximum = TimeSpan.FromHours(48);
    public static readonly TimeSpan Minimum = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan InvalidAnswer = TimeSpan.FromHours(1);
    public static readonly TimeSpan FirstFailure = TimeSpan.FromMinutes(2);

    /// <summary>The lifetime of a valid answer given its <c>Cache-Control</c> and <c>Expires</c> headers.</summary>
    public static TimeSpan ForAnswer(CacheControlHeaderValue? cacheControl, DateTimeOffset? expires, DateTimeOffset now)
    {
        TimeSpan? lifetime = null;
        if (cacheControl is not null)
        {
            if (cacheControl.NoStore || cacheControl.NoCache) lifetime = TimeSpan.Zero;
            else if (cacheControl.MaxAge is { } maxAge) lifetime = maxAge;
        }
        if (lifetime is null && expires is { } at) lifetime = at - now;
        return Clamp(lifetime ?? Default);
    }

    /// <summary>The lifetime of a failure: <paramref name="consecutiveFailures"/> counts this one (1 for the first).</summary>
    public static TimeSpan ForFailure(bool reachedServer, int consecutiveFailures)
    {
        if (reachedServer) return InvalidAnswer;
        var doublings = Math.Clamp(consecutiveFailures - 1, 0, 10);
        var backoff = FirstFailure * Math.Pow(2, doublings);
        return backoff > InvalidAnswer ? InvalidAnswer : backoff;
    }

    private static TimeSpan Clamp(TimeSpan lifetime) => lifetime < Minimum ? Minimum : lifetime > Maximum ? Maximum : lifetime;
}
