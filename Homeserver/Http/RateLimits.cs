using System.Threading.RateLimiting;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Errors;
using Microsoft.AspNetCore.RateLimiting;

namespace Messenger.Homeserver.Http;

/// <summary>
/// Token-bucket rate limits ("Rate limiting"): per client IP for registration and login, per user for sending.
/// A refused request gets 429 <c>M_LIMIT_EXCEEDED</c> with <c>retry_after_ms</c> and a <c>Retry-After</c> header.
/// </summary>
public static class RateLimits
{
    public const string Registration = "registration";
    public const string Login = "login";
    public const string Message = "message";

    public static IServiceCollection AddMatrixRateLimits(this IServiceCollection services, RateLimitsConfig config)
    {
        services.AddRateLimiter(options =>
        {
            options.AddPolicy(Registration, http => Bucket("ip:" + http.Connection.RemoteIpAddress, config.Registration));
            options.AddPolicy(Login, http => Bucket("ip:" + http.Connection.RemoteIpAddress, config.Login));
            options.AddPolicy(Message, http =>
                Bucket("user:" + (AccessTokenAuthenticator.ReadToken(http.Request) ?? http.Connection.RemoteIpAddress?.ToString()), config.Message));
            options.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
                var handler = context.HttpContext.RequestServices.GetRequiredService<MatrixExceptionHandler>();
                await handler.TryHandleAsync(context.HttpContext, MatrixError.LimitExceeded(retryAfter), ct);
            };
        });
        return services;
    }

    private static RateLimitPartition<string> Bucket(string key, RateLimitConfig rate) =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = rate.BurstCount,
            TokensPerPeriod = Math.Max(1, (int)Math.Round(rate.PerSecond)),
            ReplenishmentPeriod = rate.PerSecond >= 1 ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(1 / rate.PerSecond),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
}
