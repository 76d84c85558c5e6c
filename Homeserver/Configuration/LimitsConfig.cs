using Microsoft.Extensions.Configuration;

namespace Messenger.Homeserver.Configuration;

/// <summary>The <c>limits</c> section.</summary>
public sealed class LimitsConfig
{
    /// <summary>Largest request body, bytes, for every endpoint but media upload. Default: 10 MiB (key uploads and to-device batches can be large; events are capped at 64 KiB anyway).</summary>
    [ConfigurationKeyName("max_request_body_size")]
    public long MaxRequestBodySize { get; set; } = 10 * 1024 * 1024;

    /// <summary>Largest media upload, bytes. Default: 50 MiB, as Synapse.</summary>
    [ConfigurationKeyName("max_upload_size")]
    public long MaxUploadSize { get; set; } = 50 * 1024 * 1024;
}
