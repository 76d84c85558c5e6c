using Microsoft.AspNetCore.Diagnostics;

namespace Messenger.Homeserver.Errors;

/// <summary>
/// The one place failures become responses: a <see cref="MatrixException"/> is written as the spec's
/// standard error response; Kestrel's own request errors keep their status with a Matrix body;
/// anything else is a 500 <c>M_UNKNOWN</c> whose details are logged, never sent.
/// </summary>
public sealed partial class MatrixExceptionHandler(ILogger<MatrixExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var error = exception switch
        {
            MatrixException m => m,
            Federation.Http.FederationException f => new FederationMatrixException(f),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                MatrixError.TooLarge("Request body too large"),
            BadHttpRequestException bad => new MatrixException(MatrixErrorCode.Unknown, bad.Message, bad.StatusCode),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => null,
            _ => null,
        };

        if (error is null)
        {
            if (context.RequestAborted.IsCancellationRequested) return true;
            LogUnhandled(logger, context.Request.Method, context.Request.Path, exception);
            error = new MatrixException(MatrixErrorCode.Unknown, "Internal server error");
        }
        else if (error.Status >= 500 && error.Code != MatrixErrorCode.NotYetUploaded) // a 504 the spec asks for, not a fault
        {
            LogUnhandled(logger, context.Request.Method, context.Request.Path, exception);
        }

        if (context.Response.HasStarted) return true;
        context.Response.StatusCode = error.Status;
        if (error.Code == MatrixErrorCode.LimitExceeded && error.Extra?["retry_after_ms"] is { } ms)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (long)ms / 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        await context.Response.WriteAsJsonAsync(error.ToJson(), cancellationToken);
        return true;
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string method, string path, Exception exception);
}
