using System.Net;
using System.Security.Cryptography.X509Certificates;
using Messenger.Federation.Protocol.Keys;
using Messenger.Homeserver.Admin;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.ClientApi;
using Messenger.Homeserver.ClientApi.Account;
using Messenger.Homeserver.ClientApi.Devices;
using Messenger.Homeserver.ClientApi.Directories;
using Messenger.Homeserver.ClientApi.Discovery;
using Messenger.Homeserver.ClientApi.Keys;
using Messenger.Homeserver.ClientApi.Push;
using Messenger.Homeserver.ClientApi.Reporting;
using Messenger.Homeserver.ClientApi.Search;
using Messenger.Homeserver.ClientApi.Voip;
using Messenger.Homeserver.ClientApi.Rooms;
using Messenger.Homeserver.ClientApi.SlidingSync;
using Messenger.Homeserver.ClientApi.Sync;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.FederationApi;
using Messenger.Homeserver.Http;
using Messenger.Homeserver.Jobs;
using Messenger.Homeserver.Keys;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Media;
using Messenger.Homeserver.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Messenger.Homeserver;

/// <summary>Builds the homeserver web application from a loaded configuration; Program and tests both use it.</summary>
public static partial class HomeserverApp
{
    /// <summary>The Client-Server route prefix: every endpoint is served under v3 and under the legacy r0, as Synapse does.</summary>
    public const string ClientPrefix = "/_matrix/client/{apiVersion:regex(^(r0|v3)$)}";

    public static WebApplication Build(HomeserverConfig config, Action<WebApplicationBuilder>? customize = null)
    {
        // Configuration comes from homeserver.yaml, read once: no appsettings reloading, whose file watcher covered the
        // content root and with it the database and media folders, handling an inotify event for every SQLite write.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = config.BaseDirectory, Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        ConfigureLogging(builder.Logging, config.Logging);
        builder.WebHost.ConfigureKestrel(kestrel => ConfigureKestrel(kestrel, config));

        var signingKey = SigningKeyFile.LoadOrCreate(config.SigningKeyPath!, out var keyCreated);
        var services = builder.Services;
        services.AddSingleton(config);
        services.AddSingleton(signingKey);
        services.AddSingleton(TimeProvider.System);
        services.AddStorage(config);
        services.AddSingleton<MatrixExceptionHandler>();
        services.AddSingleton<IExceptionHandler>(sp => sp.GetRequiredService<MatrixExceptionHandler>());
        services.AddProblemDetails();
        services.AddMatrixRateLimits(config.RateLimits);
        services.AddSingleton<LastSeenThrottle>();
        services.AddSingleton<AccessTokenCache>();
        services.AddSingleton<SharedSecretRegistration>();
        services.AddScoped<AccessTokenAuthenticator>();
        services.AddScoped<UserInteractiveAuth>();
        services.AddScoped<SessionIssuer>();
        services.AddScoped<RegistrationService>();
        services.AddScoped<LoginService>();
        services.AddScoped<AccountService>();
        services.AddScoped<DeviceService>();
        services.AddMedia();
        services.AddHomeserverJobs();
        services.AddRoomServer();
        services.AddKeys();
        services.AddPush();
        services.AddDirectories();
        services.AddSearch();
        services.AddReporting();
        services.AddSocial();
        services.AddSlidingSync();
        services.AddFederationApi(config);
        customize?.Invoke(builder);

        var app = builder.Build();
        LogStartup(app.Logger, config.ServerName, config.PublicBaseUrl!, config.Database.Type,
            config.Database.Type == DatabaseConfig.Sqlite ? config.Database.SqlitePath! : "(connection string set)",
            config.Registration.EnableRegistration, !string.IsNullOrEmpty(config.Registration.RegistrationSharedSecret),
            signingKey.KeyId, keyCreated ? "generated" : "loaded");

        app.UseMatrixCors();
        app.UseExceptionHandler();
        app.UseMatrixStatusCodes();
        app.UseRouting();
        app.UseEncodedSlashesInRouteValues();
        app.UseRateLimiter();

        var client = app.MapGroup(ClientPrefix);
        client.MapAccountEndpoints();
        client.MapDevicesEndpoints();
        client.MapRoomsEndpoints();
        client.MapSyncEndpoints();
        client.MapKeysEndpoints();
        client.MapPushEndpoints();
        client.MapDirectoryEndpoints();
        client.MapSearchEndpoints();
        client.MapReportingEndpoints();
        client.MapVoipEndpoints();
        client.MapSocialEndpoints();
        app.MapGroup("/_matrix/client/v1").MapRegistrationTokenValidity();
        app.MapGroup(DehydratedDeviceEndpoints.Prefix).MapDehydratedDeviceEndpoints();
        app.MapGroup("/_matrix/client/v1").MapSpaceHierarchyEndpoints();
        app.MapRelationsEndpoints(client);
        app.MapSlidingSyncEndpoints();
        app.MapDiscoveryEndpoints(client);
        app.MapAdminEndpoints();
        app.MapMediaEndpoints();
        app.MapFederationApiEndpoints();
        return app;
    }

    /// <summary>Applies migrations and loads configured registration tokens; run before serving.</summary>
    public static async Task InitializeAsync(WebApplication app, CancellationToken ct = default)
    {
        var config = app.Services.GetRequiredService<HomeserverConfig>();
        await StorageSetup.MigrateAsync(app.Services, config, ct);
        await app.Services.InitializeRoomServerAsync(ct);
        await app.Services.InitializeKeysAsync(ct);
        await app.Services.InitializePushAsync(ct);
        await app.Services.InitializeDirectoriesAsync(ct);
        await app.Services.InitializeSocialAsync(ct);
        app.Services.GetRequiredService<StreamPositions>().SkipAheadAfterRestart();
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<UiaSessionStore>().SyncConfiguredTokensAsync(
            config.Registration.RegistrationTokens.Select(t => (t.Token, t.UsesAllowed, t.ExpiryTime)), ct);
    }

    private static void ConfigureLogging(ILoggingBuilder logging, LoggingConfig config)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
            o.UseUtcTimestamp = true;
        });
        logging.SetMinimumLevel(config.Level);
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        logging.AddFilter("Quartz", LogLevel.Warning);
        foreach (var (category, level) in config.Levels) logging.AddFilter(category, level);
    }

    private static void ConfigureKestrel(KestrelServerOptions kestrel, HomeserverConfig config)
    {
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestBodySize = config.Limits.MaxRequestBodySize;
        foreach (var listener in new[] { config.Listeners.Client, config.Listeners.Federation })
        {
            X509Certificate2? certificate = listener.TlsCertificatePath is { } cert
                ? X509Certificate2.CreateFromPemFile(cert, listener.TlsPrivateKeyPath)
                : null;
            void Tls(ListenOptions options)
            {
                if (certificate is not null) options.UseHttps(certificate);
            }
            foreach (var address in listener.EffectiveBindAddresses)
            {
                if (address == "localhost") kestrel.ListenLocalhost(listener.Port, Tls);
                else kestrel.Listen(IPAddress.Parse(address), listener.Port, Tls);
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Messenger homeserver '{ServerName}' at {PublicBaseUrl}; database {DatabaseType} {Database}; open registration {Registration}; shared secret {SharedSecret}; signing key {KeyId} {KeyState}")]
    private static partial void LogStartup(ILogger logger, string serverName, string publicBaseUrl, string databaseType, string database,
        bool registration, bool sharedSecret, string keyId, string keyState);
}
