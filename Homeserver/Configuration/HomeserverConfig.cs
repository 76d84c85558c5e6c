using Microsoft.Extensions.Configuration;

namespace Messenger.Homeserver.Configuration;

/// <summary>
/// The whole of <c>homeserver.yaml</c>: top-level keys here, one class per section.
/// Keys keep their snake_case YAML names. Relative paths are resolved against the directory of the config file.
/// </summary>
public sealed class HomeserverConfig
{
    /// <summary>The domain in every user and room id of this server (<c>@alice:example.org</c>). Required; never change it later.</summary>
    [ConfigurationKeyName("server_name")]
    public string ServerName { get; set; } = "";

    /// <summary>Where clients reach the Client-Server API; served in <c>/.well-known/matrix/client</c>. Default: <c>http://{server_name}:{client port}/</c>.</summary>
    [ConfigurationKeyName("public_baseurl")]
    public string? PublicBaseUrl { get; set; }

    /// <summary>The Ed25519 signing key file (Synapse format). Generated on first start if missing. Default: <c>data/{server_name}.signing.key</c>.</summary>
    [ConfigurationKeyName("signing_key_path")]
    public string? SigningKeyPath { get; set; }

    /// <summary>Directory of uploaded media. Default: <c>data/media</c>.</summary>
    [ConfigurationKeyName("media_store_path")]
    public string? MediaStorePath { get; set; }

    /// <summary>
    /// URL previews (<c>/media/preview_url</c>). Default: false: previews make this server fetch any URL a user names.
    /// When on, connections to private, loopback and link-local addresses are refused unless
    /// <c>outbound.allowed_private_ranges</c> lists them (<c>Federation.Net.OutboundAddressPolicy</c>).
    /// </summary>
    [ConfigurationKeyName("url_preview_enabled")]
    public bool UrlPreviewEnabled { get; set; }

    /// <summary>Room version of new rooms unless the client asks for another. Default: 12, as spec v1.19 recommends; 11 while federating peers catch up.</summary>
    /// <summary>
    /// The spec v1.12 freeze (Synapse's key): media uploaded while this is on is not served by the deprecated
    /// unauthenticated <c>/_matrix/media/*/download|thumbnail</c> (404 <c>M_NOT_FOUND</c>), only by the authenticated
    /// <c>/_matrix/client/v1/media</c>; media uploaded earlier stays reachable both ways. Default: true, as Synapse.
    /// </summary>
    [ConfigurationKeyName("enable_authenticated_media")]
    public bool EnableAuthenticatedMedia { get; set; } = true;

    [ConfigurationKeyName("default_room_version")]
    public string DefaultRoomVersion { get; set; } = "12";

    [ConfigurationKeyName("listeners")]
    public ListenersConfig Listeners { get; set; } = new();

    [ConfigurationKeyName("database")]
    public DatabaseConfig Database { get; set; } = new();

    [ConfigurationKeyName("registration")]
    public RegistrationConfig Registration { get; set; } = new();

    [ConfigurationKeyName("auth")]
    public AuthConfig Auth { get; set; } = new();

    /// <summary>Application service registration files (YAML, the spec's registration format). Default: none.</summary>
    [ConfigurationKeyName("app_service_config_files")]
    public List<string> AppServiceConfigFiles { get; set; } = [];

    [ConfigurationKeyName("federation")]
    public FederationConfig Federation { get; set; } = new();

    [ConfigurationKeyName("outbound")]
    public OutboundConfig Outbound { get; set; } = new();

    [ConfigurationKeyName("rate_limits")]
    public RateLimitsConfig RateLimits { get; set; } = new();

    [ConfigurationKeyName("limits")]
    public LimitsConfig Limits { get; set; } = new();

    [ConfigurationKeyName("media_retention")]
    public MediaRetentionConfig MediaRetention { get; set; } = new();

    [ConfigurationKeyName("voip")]
    public VoipConfig Voip { get; set; } = new();

    [ConfigurationKeyName("user_directory")]
    public UserDirectoryConfig UserDirectory { get; set; } = new();

    [ConfigurationKeyName("presence")]
    public PresenceConfig Presence { get; set; } = new();

    [ConfigurationKeyName("logging")]
    public LoggingConfig Logging { get; set; } = new();

    /// <summary>The directory relative paths are resolved against (the config file's directory). Not a YAML key.</summary>
    internal string BaseDirectory { get; set; } = Directory.GetCurrentDirectory();
}
