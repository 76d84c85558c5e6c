namespace Messenger.Homeserver.Errors;

/// <summary>
/// The spec's error codes ("Standard error response", "Common error codes", "Other error codes"),
/// each with the HTTP status it gets unless a call site has a reason to choose another.
/// </summary>
public sealed record MatrixErrorCode(string Code, int DefaultStatus)
{
    public static readonly MatrixErrorCode Forbidden = new("M_FORBIDDEN", 403);
    public static readonly MatrixErrorCode UnknownToken = new("M_UNKNOWN_TOKEN", 401);
    public static readonly MatrixErrorCode MissingToken = new("M_MISSING_TOKEN", 401);
    public static readonly MatrixErrorCode UserLocked = new("M_USER_LOCKED", 401);
    public static readonly MatrixErrorCode BadJson = new("M_BAD_JSON", 400);
    public static readonly MatrixErrorCode NotJson = new("M_NOT_JSON", 400);
    public static readonly MatrixErrorCode NotFound = new("M_NOT_FOUND", 404);
    public static readonly MatrixErrorCode LimitExceeded = new("M_LIMIT_EXCEEDED", 429);
    public static readonly MatrixErrorCode Unrecognized = new("M_UNRECOGNIZED", 404);
    public static readonly MatrixErrorCode Unknown = new("M_UNKNOWN", 500);
    public static readonly MatrixErrorCode Unauthorized = new("M_UNAUTHORIZED", 401);
    public static readonly MatrixErrorCode UserDeactivated = new("M_USER_DEACTIVATED", 403);
    public static readonly MatrixErrorCode UserInUse = new("M_USER_IN_USE", 400);
    public static readonly MatrixErrorCode InvalidUsername = new("M_INVALID_USERNAME", 400);
    public static readonly MatrixErrorCode Exclusive = new("M_EXCLUSIVE", 400);
    public static readonly MatrixErrorCode GuestAccessForbidden = new("M_GUEST_ACCESS_FORBIDDEN", 403);
    public static readonly MatrixErrorCode MissingParam = new("M_MISSING_PARAM", 400);
    public static readonly MatrixErrorCode InvalidParam = new("M_INVALID_PARAM", 400);
    public static readonly MatrixErrorCode TooLarge = new("M_TOO_LARGE", 413);
    public static readonly MatrixErrorCode WeakPassword = new("M_WEAK_PASSWORD", 400);
    public static readonly MatrixErrorCode UnsupportedRoomVersion = new("M_UNSUPPORTED_ROOM_VERSION", 400);
    public static readonly MatrixErrorCode BadState = new("M_BAD_STATE", 400);
    public static readonly MatrixErrorCode ThreepidDenied = new("M_THREEPID_DENIED", 403);
    public static readonly MatrixErrorCode CannotOverwriteMedia = new("M_CANNOT_OVERWRITE_MEDIA", 409);
    public static readonly MatrixErrorCode NotYetUploaded = new("M_NOT_YET_UPLOADED", 504);
    public static readonly MatrixErrorCode DuplicateAnnotation = new("M_DUPLICATE_ANNOTATION", 400);
    public static readonly MatrixErrorCode RoomInUse = new("M_ROOM_IN_USE", 400);
    public static readonly MatrixErrorCode BadAlias = new("M_BAD_ALIAS", 400);
    public static readonly MatrixErrorCode UnableToGrantJoin = new("M_UNABLE_TO_GRANT_JOIN", 400);
    public static readonly MatrixErrorCode IncompatibleRoomVersion = new("M_INCOMPATIBLE_ROOM_VERSION", 400);
    public static readonly MatrixErrorCode UnableToAuthoriseJoin = new("M_UNABLE_TO_AUTHORISE_JOIN", 400);
    public static readonly MatrixErrorCode ProfileTooLarge = new("M_PROFILE_TOO_LARGE", 400);
    public static readonly MatrixErrorCode KeyTooLarge = new("M_KEY_TOO_LARGE", 400);

    /// <summary>Simplified sliding sync (MSC4186): the connection behind a <c>pos</c> is gone; the client starts afresh.</summary>
    public static readonly MatrixErrorCode UnknownPos = new("M_UNKNOWN_POS", 400);

    public override string ToString() => Code;
}
