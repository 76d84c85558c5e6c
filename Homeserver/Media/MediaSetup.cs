using Messenger.Federation.Net;
using Messenger.Homeserver.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Messenger.Homeserver.Media;

/// <summary>Registers the content repository.</summary>
public static class MediaSetup
{
    public static IServiceCollection AddMedia(this IServiceCollection services)
    {
        services.AddSingleton<MediaFiles>();
        services.AddSingleton<Thumbnailer>();
        services.AddSingleton<UploadWaiters>();
        services.AddScoped<MediaStore>();
        services.AddScoped<MediaService>();
        services.AddScoped<ThumbnailService>();
        services.AddScoped<MediaLookup>();
        services.AddScoped<RemoteMediaCache>();
        services.AddScoped<RemoteMediaEviction>();
        services.AddSingleton<RemoteMediaFetcher>();
        services.AddSingleton<KeyedLocks>();
        services.TryAddSingleton(sp => new OutboundAddressPolicy(sp.GetRequiredService<HomeserverConfig>().Outbound.AllowedPrivateRanges));
        services.AddScoped<UrlPreviewService>();
        services.AddHttpClient(UrlPreviewService.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var handler = sp.GetRequiredService<OutboundAddressPolicy>().CreateHandler();
                handler.MaxAutomaticRedirections = 5;
                return handler;
            });
        return services;
    }
}
