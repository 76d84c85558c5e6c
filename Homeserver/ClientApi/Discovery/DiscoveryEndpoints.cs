using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Http;

namespace Messenger.Homeserver.ClientApi.Discovery;

/// <summary>"Server Discovery", "API Versions" and "Capabilities negotiation".</summary>
public static class DiscoveryEndpoints
{
    /// <summary>
    /// Spec versions we serve. A version is listed when what clients switch on for it works: v1.3 the relations API,
    /// v1.4 threads (clients then send stable <c>m.thread</c> relations and call <c>/threads</c>), v1.7 asynchronous
    /// uploads, v1.10 recursive relations, v1.11 authenticated media — clients (matrix-js-sdk, Element) fetch media
    /// through <c>/_matrix/client/v1/media</c> only when v1.11 is listed, and media uploaded after the freeze is not
    /// served on the legacy routes, so leaving it out would break images. r0.x keeps old clients that check for it
    /// working (Synapse lists them too). Up to v1.12, like Synapse.
    /// </summary>
    public static readonly string[] SupportedVersions =
    [
        "r0.0.1", "r0.1.0", "r0.2.0", "r0.3.0", "r0.4.0", "r0.5.0", "r0.6.0", "r0.6.1",
        "v1.1", "v1.2", "v1.3", "v1.4", "v1.5", "v1.6", "v1.7", "v1.8", "v1.9", "v1.10", "v1.11", "v1.12",
    ];

    public static void MapDiscoveryEndpoints(this IEndpointRouteBuilder app, IEndpointRouteBuilder client)
    {
        app.MapGet("/_matrix/client/versions", () => MatrixJson.Ok(new
        {
            versions = SupportedVersions,
            // Simplified sliding sync (MSC4186), which Element X requires.
            unstable_features = new JsonObject { [SlidingSync.SlidingSyncEndpoints.UnstableFeature] = true },
        }));

        app.MapGet("/.well-known/matrix/client", (HomeserverConfig config) =>
            MatrixJson.Ok(new WellKnownClient(new WellKnownBaseUrl(config.PublicBaseUrl!))));

        // "Server discovery" for federation: where our Server-Server API listens.
        app.MapGet("/.well-known/matrix/server", (HomeserverConfig config) =>
            MatrixJson.Ok(new JsonObject { ["m.server"] = $"{HostOf(config.ServerName)}:{config.Listeners.Federation.Port}" }));

        client.MapGet("/capabilities", (Requester requester) => MatrixJson.Ok(new JsonObject
        {
            ["capabilities"] = new JsonObject
            {
                ["m.change_password"] = new JsonObject { ["enabled"] = true },
                // Users change their whole profile, display name and avatar included ("Profiles", extended fields since v1.16).
                ["m.set_displayname"] = new JsonObject { ["enabled"] = true },
                ["m.set_avatar_url"] = new JsonObject { ["enabled"] = true },
                ["m.profile_fields"] = new JsonObject { ["enabled"] = true },
                ["m.3pid_changes"] = new JsonObject { ["enabled"] = false },
                ["m.get_login_token"] = new JsonObject { ["enabled"] = false },
            },
        }));
    }

    private static string HostOf(string serverName)
    {
        if (serverName.EndsWith(']')) return serverName;
        var colon = serverName.LastIndexOf(':');
        return colon > 0 && !serverName.Contains('[') ? serverName[..colon] : serverName;
    }
}
