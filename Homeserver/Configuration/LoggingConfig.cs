using Microsoft.Extensions.Configuration;

namespace Messenger.Homeserver.Configuration;

/// <summary>The <c>logging</c> section.</summary>
public sealed class LoggingConfig
{
    /// <summary>Minimum level: Trace, Debug, Information, Warning, Error, Critical. Default: Information.</summary>
    [ConfigurationKeyName("level")]
    public LogLevel Level { get; set; } = LogLevel.Information;

    /// <summary>Per-category levels, e.g. <c>Microsoft.EntityFrameworkCore.Database.Command: Information</c> to see SQL. Default: ASP.NET Core and EF Core at Warning.</summary>
    [ConfigurationKeyName("levels")]
    public Dictionary<string, LogLevel> Levels { get; set; } = new();
}
