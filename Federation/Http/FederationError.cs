namespace Messenger.Federation.Http;

/// <summary>Factories for the errors federation endpoints raise, with the spec's status for each code.</summary>
public static class FederationError
{
    /// <summary>401: the X-Matrix authentication is missing, malformed, for another destination, or does not verify.</summary>
    public static FederationException Unauthorized(string why) => new("M_UNAUTHORIZED", why, 401);

    /// <summary>403: the origin may not federate with us (allow/block list) or may not do this (server ACL).</summary>
    public static FederationException Forbidden(string why) => new("M_FORBIDDEN", why, 403);

    public static FederationException NotFound(string why) => new("M_NOT_FOUND", why, 404);
    public static FederationException BadJson(string why) => new("M_BAD_JSON", why, 400);
    public static FederationException NotJson(string why) => new("M_NOT_JSON", why, 400);
    public static FederationException InvalidParam(string why) => new("M_INVALID_PARAM", why, 400);
    public static FederationException MissingParam(string name) => new("M_MISSING_PARAM", $"Missing parameter: {name}", 400);
    public static FederationException TooLarge(string why) => new("M_TOO_LARGE", why, 413);
    public static FederationException Unrecognized(string why) => new("M_UNRECOGNIZED", why, 404);
    public static FederationException IncompatibleRoomVersion(string version) =>
        new("M_INCOMPATIBLE_ROOM_VERSION", $"Room version {version} is not supported", 400, new() { ["room_version"] = version });
    public static FederationException UnsupportedRoomVersion(string why) => new("M_UNSUPPORTED_ROOM_VERSION", why, 400);

    /// <summary>400 <c>M_UNKNOWN</c>: the request is wrong in a way no specific code names.</summary>
    public static FederationException BadRequest(string why) => new("M_UNKNOWN", why, 400);
}
