using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Http;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Reporting;

/// <summary>Routes of "Reporting content".</summary>
public static class ReportingEndpoints
{
    public static void MapReportingEndpoints(this IEndpointRouteBuilder client)
    {
        client.MapPost("/rooms/{roomId}/report/{eventId}", async (string roomId, string eventId, HttpContext http, Requester requester, ReportService reports) =>
        {
            await reports.ReportEventAsync(requester, roomId, eventId, await MatrixJson.ReadObjectAsync(http, emptyAllowed: true), http.RequestAborted);
            return MatrixJson.Ok(new { });
        }).RequireRateLimiting(RateLimits.Message);

        client.MapPost("/rooms/{roomId}/report", async (string roomId, HttpContext http, Requester requester, ReportService reports) =>
        {
            await reports.ReportRoomAsync(requester, roomId, await MatrixJson.ReadObjectAsync(http), http.RequestAborted);
            return MatrixJson.Ok(new { });
        }).RequireRateLimiting(RateLimits.Message);

        client.MapPost("/users/{userId}/report", async (string userId, HttpContext http, Requester requester, ReportService reports) =>
        {
            await reports.ReportUserAsync(requester, userId, await MatrixJson.ReadObjectAsync(http), http.RequestAborted);
            return MatrixJson.Ok(new { });
        }).RequireRateLimiting(RateLimits.Message);
    }

    public static IServiceCollection AddReporting(this IServiceCollection services)
    {
        services.AddScoped<ReportStore>();
        services.AddScoped<ReportService>();
        return services;
    }
}
