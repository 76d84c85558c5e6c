using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Http;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.SlidingSync;

/// <summary>The route of simplified sliding sync (MSC4186, "Unstable prefix").</summary>
public static class SlidingSyncEndpoints
{
    public const string UnstableFeature = "org.matrix.simplified_msc3575";

    /// <summary>Long-polls are capped as for /sync.</summary>
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(3);

    public static void MapSlidingSyncEndpoints(this IEndpointRouteBuilder app)
    {
        // POST /_matrix/client/unstable/org.matrix.simplified_msc3575/sync?pos=&timeout=: the body holds the rules.
        app.MapPost($"/_matrix/client/unstable/{UnstableFeature}/sync", async (string? pos, long? timeout, HttpContext http, Requester requester,
            SlidingSyncService sync) =>
        {
            var body = await MatrixJson.ReadAsync<SlidingSyncBody>(http, emptyAllowed: true);
            var request = SlidingSyncRequest.From(body, requester.UserId, pos, timeout, MaxTimeout);
            return MatrixJson.Ok(await sync.SyncAsync(requester, request, http.RequestAborted));
        });
    }

    public static IServiceCollection AddSlidingSync(this IServiceCollection services)
    {
        services.AddSingleton<SlidingSyncConnections>();
        services.AddScoped<SlidingSyncStore>();
        services.AddScoped<SlidingRoomSelector>();
        services.AddScoped<RoomSlicer>();
        services.AddScoped<SlidingRoomRenderer>();
        services.AddScoped<SlidingExtensionsBuilder>();
        services.AddScoped<SlidingSyncService>();
        return services;
    }
}
