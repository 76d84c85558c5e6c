using System.Net.Http.Headers;
using Messenger.Federation.Discovery;

namespace Messenger.Federation.Tests.Discovery;

/// <summary>
/// Caching of <c>/.well-known/matrix/server</c> answers (step 3 of "Resolving server names"): cache headers
/// respected, 24 hours by default, at most 48 hours; failures cached up to an hour with exponential back-off.
/// </summary>
public sealed class WellKnownCachePolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Without_cache_headers_an_answer_is_kept_24_hours() =>
        Assert.Equal(TimeSpan.FromHours(24), WellKnownCachePolicy.ForAnswer(null, null, Now));

    [Fact]
    public void Max_age_is_respected() =>
        Assert.Equal(TimeSpan.FromHours(3), WellKnownCachePolicy.ForAnswer(new CacheControlHeaderValue { MaxAge = TimeSpan.FromHours(3) }, null, Now));

    [Fact]
    public void Expires_is_used_when_there_is_no_max_age() =>
        Assert.Equal(TimeSpan.FromHours(5), WellKnownCachePolicy.ForAnswer(null, Now.AddHours(5), Now));

    [Fact]
    public void Max_age_wins_over_expires() =>
        Assert.Equal(TimeSpan.FromHours(2),
            WellKnownCachePolicy.ForAnswer(new CacheControlHeaderValue { MaxAge = TimeSpan.FromHours(2) }, Now.AddHours(9), Now));

    [Fact]
    public void No_answer_is_kept_longer_than_48_hours() =>
        Assert.Equal(TimeSpan.FromHours(48), WellKnownCachePolicy.ForAnswer(new CacheControlHeaderValue { MaxAge = TimeSpan.FromDays(30) }, null, Now));

    [Fact]
    public void No_store_or_tiny_lifetimes_still_cache_for_the_minimum()
    {
        Assert.Equal(WellKnownCachePolicy.Minimum, WellKnownCachePolicy.ForAnswer(new CacheControlHeaderValue { NoStore = true }, null, Now));
        Assert.Equal(WellKnownCachePolicy.Minimum, WellKnownCachePolicy.ForAnswer(new CacheControlHeaderValue { MaxAge = TimeSpan.Zero }, null, Now));
        Assert.Equal(WellKnownCachePolicy.Minimum, WellKnownCachePolicy.ForAnswer(null, Now.AddHours(-1), Now));
    }

    [Fact]
    public void An_invalid_answer_is_cached_for_an_hour() =>
        Assert.Equal(TimeSpan.FromHours(1), WellKnownCachePolicy.ForFailure(reachedServer: true, 1));

    [Fact]
    public void An_unreachable_server_is_retried_with_exponential_back_off_capped_at_an_hour()
    {
        var lifetimes = Enumerable.Range(1, 7).Select(n => WellKnownCachePolicy.ForFailure(reachedServer: false, n)).ToList();
        Assert.Equal([2, 4, 8, 16, 32, 60, 60], lifetimes.Select(t => (int)t.TotalMinutes));
    }
}
