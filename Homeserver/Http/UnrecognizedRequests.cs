using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.Http;

/// <summary>
/// <c>M_UNRECOGNIZED</c> for requests no endpoint takes: 404 for an unknown path, 405 for a known path with the
/// wrong method ("Common error codes"). Only empty-bodied responses are rewritten, so endpoint errors pass untouched.
/// </summary>
public static class UnrecognizedRequests
{
    public static IApplicationBuilder UseMatrixStatusCodes(this IApplicationBuilder app) =>
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            var error = http.Response.StatusCode switch
            {
                StatusCodes.Status404NotFound => MatrixError.Unrecognized("Unrecognized request"),
                StatusCodes.Status405MethodNotAllowed => MatrixError.Unrecognized("Unrecognized request (method not allowed)", 405),
                StatusCodes.Status413PayloadTooLarge => MatrixError.TooLarge("Request body too large"),
                StatusCodes.Status400BadRequest => MatrixError.BadRequest("Bad request"),
                _ => new MatrixException(MatrixErrorCode.Unknown, "Request failed", http.Response.StatusCode),
            };
            await http.Response.WriteAsJsonAsync(error.ToJson());
        });
}
