using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Http;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Search;

/// <summary>Route of "Server Side Search".</summary>
public static class SearchEndpoints
{
    public static void MapSearchEndpoints(this IEndpointRouteBuilder client)
    {
        client.MapPost("/search", async (string? next_batch, HttpContext http, Requester requester, SearchService search) =>
        {
            var body = await MatrixJson.ReadObjectAsync(http);
            return MatrixJson.Ok(await search.SearchAsync(requester, body, next_batch, http.RequestAborted));
        });
    }

    public static IServiceCollection AddSearch(this IServiceCollection services)
    {
        services.AddScoped<EventSearchStore>();
        services.AddScoped<SearchWindows>();
        services.AddScoped<SearchResults>();
        services.AddScoped<SearchService>();
        return services;
    }
}
