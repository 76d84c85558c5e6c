using System.Globalization;
using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Http;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Directories;

/// <summary>Routes of "Published room directory", "User directory" and "Spaces" (the hierarchy).</summary>
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

    /// <summary>"Spaces": the hierarchy exists only under <c>/_matrix/client/v1</c>.</summary>
    public static void MapSpaceHierarchyEndpoints(this IEndpointRouteBuilder v1)
    {
        v1.MapGet("/rooms/{roomId}/hierarchy", async (string roomId, string? from, string? limit, string? max_depth, string? suggested_only,
            Requester requester, SpaceHierarchyService hierarchy, CancellationToken ct) =>
        {
            var suggested = suggested_only switch
            {
                null or "false" => false,
                "true" => true,
                _ => throw MatrixError.InvalidParam("suggested_only must be true or false"),
            };
            return MatrixJson.Ok(await hierarchy.GetAsync(requester, roomId, from, ParseInt(limit, "limit"), ParseInt(max_depth, "max_depth"), suggested, ct));
        });
    }

    public static IServiceCollection AddDirectories(this IServiceCollection services)
    {
        services.AddSingleton<IRemoteRoomDirectory, UnreachableRemoteRoomDirectory>();
        services.AddScoped<PublicRoomsService>();
        services.AddScoped<RoomVisibilityService>();
        services.AddScoped<UserDirectoryStore>();
        services.AddScoped<UserDirectoryService>();
        services.AddSingleton<IRemoteSpaceHierarchy, UnreachableRemoteSpaceHierarchy>();
        services.AddScoped<RoomSummaryStore>();
        services.AddScoped<RoomPreviewAccess>();
        services.AddScoped<SpaceHierarchyService>();
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

    private static int? ParseLimit(string? limit) => ParseInt(limit, "limit");

    private static int? ParseInt(string? text, string name) =>
        text is null ? null
        : int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value
        : throw MatrixError.InvalidParam($"{name} must be an integer");
}
