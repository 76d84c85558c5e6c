using System.Text.Json.Nodes;

namespace Messenger.Homeserver.Errors;

/// <summary>Factories for the errors services raise; the status comes from <see cref="MatrixErrorCode"/>.</summary>
public static class MatrixError
{
    public static MatrixException Forbidden(string why) => new(MatrixErrorCode.Forbidden, why);
    public static MatrixException NotFound(string why) => new(MatrixErrorCode.NotFound, why);
    public static MatrixException BadJson(string why) => new(MatrixErrorCode.BadJson, why);
    public static MatrixException NotJson(string why) => new(MatrixErrorCode.NotJson, why);
    public static MatrixException MissingParam(string name) => new(MatrixErrorCode.MissingParam, $"Missing parameter: {name}");
    public static MatrixException InvalidParam(string why) => new(MatrixErrorCode.InvalidParam, why);
    public static MatrixException MissingToken() => new(MatrixErrorCode.MissingToken, "Missing access token");

    /// <summary>Unknown or revoked token. <paramref name="softLogout"/>: the device survives and may log in again (expired token).</summary>
    public static MatrixException UnknownToken(string why, bool softLogout = false) =>
        new(MatrixErrorCode.UnknownToken, why, extra: new JsonObject { ["soft_logout"] = softLogout });

    public static MatrixException Unrecognized(string why, int status = 404) => new(MatrixErrorCode.Unrecognized, why, status);
    public static MatrixException TooLarge(string why) => new(MatrixErrorCode.TooLarge, why);
    public static MatrixException CannotOverwriteMedia() => new(MatrixErrorCode.CannotOverwriteMedia, "Media already uploaded");
    public static MatrixException NotYetUploaded() => new(MatrixErrorCode.NotYetUploaded, "Content has not yet been uploaded");
    public static MatrixException UserInUse() => new(MatrixErrorCode.UserInUse, "User ID already taken.");
    public static MatrixException InvalidUsername(string why) => new(MatrixErrorCode.InvalidUsername, why);
    public static MatrixException UserDeactivated() => new(MatrixErrorCode.UserDeactivated, "This account has been deactivated");
    public static MatrixException GuestAccessForbidden(string why) => new(MatrixErrorCode.GuestAccessForbidden, why);
    public static MatrixException WeakPassword(string why) => new(MatrixErrorCode.WeakPassword, why);
    public static MatrixException UnknownPos(string why) => new(MatrixErrorCode.UnknownPos, why);

    /// <summary>A 400 with <c>M_UNKNOWN</c>: the request is invalid in a way no specific code names.</summary>
    public static MatrixException BadRequest(string why) => new(MatrixErrorCode.Unknown, why, 400);

    public static MatrixException LimitExceeded(TimeSpan? retryAfter) =>
        new(MatrixErrorCode.LimitExceeded, "Too many requests",
            extra: retryAfter is { } r ? new JsonObject { ["retry_after_ms"] = (long)Math.Ceiling(r.TotalMilliseconds) } : null);
}
