using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.ClientApi;

/// <summary>"Rate limiting": a login limit of two requests per client, then 429.</summary>
public sealed class RateLimitTests(RateLimitedServer server) : IClassFixture<RateLimitedServer>
{
    private HttpClient Http => server.Client;

    [Fact]
    public async Task Login_rate_limit_gives_429_with_retry_after()
    {
        MatrixResponse? limited = null;
        for (var i = 0; i < 5 && limited is null; i++)
        {
            var response = await Http.PostMatrixAsync(V3 + "/login", new { type = "m.login.password", user = "nobody", password = "x" });
            if ((int)response.Status == 429) limited = response;
        }
        Assert.NotNull(limited);
        limited.AssertError(429, "M_LIMIT_EXCEEDED");
        Assert.True((long)limited.Body["retry_after_ms"]! > 0);
        Assert.NotNull(limited.Raw.Headers.RetryAfter);
    }
}

/// <summary>A SQLite homeserver whose login bucket holds two requests and refills once in 100 s.</summary>
public sealed class RateLimitedServer : SqliteServer
{
    protected override string RateLimitsYaml => """
        rate_limits:
          login: { per_second: 0.01, burst_count: 2 }
        """;
}
