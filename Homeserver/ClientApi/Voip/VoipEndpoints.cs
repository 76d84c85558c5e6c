using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Http;

namespace Messenger.Homeserver.ClientApi.Voip;

/// <summary>
/// "Voice over IP": <c>GET /voip/turnServer</c>. Call events themselves (<c>m.call.*</c>) need nothing here: they are
/// ordinary room events and pass through rooms unchanged.
/// </summary>
public static class VoipEndpoints
{
    public static void MapVoipEndpoints(this IEndpointRouteBuilder client)
    {
        client.MapGet("/voip/turnServer", (Requester requester, HomeserverConfig config, TimeProvider time) =>
            MatrixJson.Ok(TurnServer(requester, config.Voip, time.GetUtcNow())));
    }

    /// <summary>As Synapse: shared-secret credentials, else fixed ones, else <c>{}</c> (no TURN server configured).</summary>
    public static JsonObject TurnServer(Requester requester, VoipConfig voip, DateTimeOffset now)
    {
        if (requester.IsGuest && !voip.TurnAllowGuests) throw MatrixError.GuestAccessForbidden("Guest access to TURN credentials is disabled");
        if (voip.TurnUris.Count == 0) return [];
        var lifetime = voip.Lifetime ?? TimeSpan.FromHours(1);
        string username, password;
        if (!string.IsNullOrEmpty(voip.TurnSharedSecret))
            (username, password) = TurnCredentials.Create(requester.UserId, voip.TurnSharedSecret, now + lifetime);
        else if (!string.IsNullOrEmpty(voip.TurnUsername) && !string.IsNullOrEmpty(voip.TurnPassword))
            (username, password) = (voip.TurnUsername, voip.TurnPassword);
        else
            return [];
        return new JsonObject
        {
            ["username"] = username,
            ["password"] = password,
            ["uris"] = new JsonArray([.. voip.TurnUris.Select(u => JsonValue.Create(u))]),
            ["ttl"] = (long)lifetime.TotalSeconds,
        };
    }
}
