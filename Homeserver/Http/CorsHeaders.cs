namespace Messenger.Homeserver.Http;

/// <summary>
/// "Web Browser Clients": the recommended CORS headers on every response, and <c>OPTIONS</c> answered without
/// running any endpoint logic, so browser clients (Element Web) work from any origin.
/// </summary>
public static class CorsHeaders
{
    public static IApplicationBuilder UseMatrixCors(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = "*";
        headers.AccessControlAllowMethods = "GET, HEAD, POST, PUT, DELETE, OPTIONS";
        headers.AccessControlAllowHeaders = "X-Requested-With, Content-Type, Authorization, Date";
        headers.AccessControlExposeHeaders = "Retry-After";
        if (HttpMethods.IsOptions(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }
        await next(context);
    });
}
