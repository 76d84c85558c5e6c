using System.Globalization;
using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Http;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Directories;

/// <summary>Routes of "Published room directory" and "User directory".</summary>
public static class DirectoryEndpoints
{
    public static void MapDirectoryEndpoints(this IEndpointRouteBuilder client)
    {
        // GET has no security requirement in the spec: anyone may browse a server's published rooms.
        client.MapGet("/publicRooms", async (string? limit, string? since, string? server, PublicRoomsService rooms, CancellationToken ct) =>
            MatrixJson.Ok(await rooms.QueryAsync(server, new PublicRoomsQuery(ParseLimit(limit), since), ct)));

        client.MapPost("/publicRooms", async (string? server, HttpContext http, Requester requester, PublicRoomsService rooms) =>
        {
            var query = await MatrixJson.ReadAsync<PublicRoomsQuery>(http, emptyAllowed: true);
            return MatrixJson.Ok(await rooms.QueryAsync(server, query, http.RequestAborted));
        });

        client.MapGet("/directory/list/room/{roomId}", async (string roomId, RoomVisibilityService visibility, CancellationToken ct) =>
            MatrixJson.Ok(new { visibility = await visibility.GetAsync(roomId, ct) }));

        client.MapPut("/directory/list/room/{roomId}", async (string roomId, HttpContext http, Requester requester, RoomVisibilityService visibility) =>
        {
            var body = await MatrixJson.ReadObjectAsync(http, emptyAllowed: true);
            var value = body["visibility"] switch
            {
                null => null,
                JsonValue v when v.TryGetValue(out string? s) => s,
                _ => throw MatrixError.BadJson("visibility must be a string"),
            };
            await visibility.SetAsync(requester, roomId, value, http.RequestAborted);
            return MatrixJson.Ok(new { });
        });

        client.MapPost("/user_directory/search", async (HttpContext http, Requester requester, UserDirectoryService users) =>
        {
            var body = await MatrixJson.ReadAsync<UserDirectorySearch>(http);
            return MatrixJson.Ok(await users.SearchAsync(requester, body, http.RequestAborted));
        });
    }

    public static IServiceCollection AddDirectories(this IServiceCollection services)
    {
        services.AddSingleton<IRemoteRoomDirectory, UnreachableRemoteRoomDirectory>();
        services.AddScoped<PublicRoomsService>();
        services.AddScoped<RoomVisibilityService>();
        services.AddScoped<UserDirectoryStore>();
        services.AddScoped<UserDirectoryService>();
        return services;
    }

    /// <summary>Builds the summaries and directory entries that rows stored before those tables existed lack.</summary>
    public static async Task InitializeDirectoriesAsync(this IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HomeserverDbContext>();
        await RoomSummaries.BackfillAsync(db, ct);
        await UserDirectoryIndex.BackfillAsync(db, ct);
    }

    private static int? ParseLimit(string? limit) =>
        limit is null ? null
        : int.TryParse(limit, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value
        : throw MatrixError.InvalidParam("limit must be an integer");
}
