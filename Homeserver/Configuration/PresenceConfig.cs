using Microsoft.Extensions.Configuration;

namespace Messenger.Homeserver.Configuration;

/// <summary>The <c>presence</c> section ("Presence").</summary>
public sealed class PresenceConfig
{
    /// <summary>
    /// Whether the server tracks presence. Default: true. With false nobody's presence changes (everyone reads as
    /// offline), <c>PUT /presence</c> is accepted and ignored, and sync carries no presence, which saves work on big
    /// servers (as Synapse's <c>use_presence: false</c>).
    /// </summary>
    [ConfigurationKeyName("enabled")]
    public bool Enabled { get; set; } = true;
}
