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
        return services;
    }
}
