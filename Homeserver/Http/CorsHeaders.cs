namespace Messenger.Homeserver.Http;

/// <summary>
/// "Web Browser Clients": the recommended CORS headers on every response, and <c>OPTIONS</c> answered without
/// running any endpoint logic, so browser clients (Element Web) work from any origin. The headers are added when
/// the response starts, so error responses (whose headers the exception handler clears) carry them too.
/// </summary>
public static class CorsHeaders
{
    public static IApplicationBuilder UseMatrixCors(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.AccessControlAllowOrigin = "*";
            headers.AccessControlAllowMethods = "GET, HEAD, POST, PUT, DELETE, OPTIONS";
            headers.AccessControlAllowHeaders = "X-Requested-With, Content-Type, Authorization, Date";
            headers.AccessControlExposeHeaders = "Retry-After";
            return Task.CompletedTask;
        });
        if (HttpMethods.IsOptions(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }
        await next(context);
    });
}
