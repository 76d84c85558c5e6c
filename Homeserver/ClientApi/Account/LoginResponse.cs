using System.Text.Json.Serialization;
using Messenger.Homeserver.ClientApi.Discovery;

namespace Messenger.Homeserver.ClientApi.Account;

/// <summary>Response of <c>/login</c> and <c>/register</c>: the session handed to the client.</summary>
public sealed record LoginResponse(
    string UserId,
    string? AccessToken,
    string? DeviceId,
    string? RefreshToken,
    long? ExpiresInMs,
    [property: JsonPropertyName("home_server")] string HomeServer,
    [property: JsonPropertyName("well_known")] WellKnownClient? WellKnown);
