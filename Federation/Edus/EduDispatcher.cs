using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Messenger.Federation.Edus;

/// <summary>
/// Routes the EDUs of an inbound transaction to their <see cref="IEduHandler"/> by <c>edu_type</c>. The
/// transaction endpoint calls it once per transaction after the PDUs; EDUs carry no results, so malformed entries,
/// unknown types and handler failures are logged and skipped, never failing the transaction. At most
/// <see cref="MaxEdus"/> per transaction, as the spec limits.
/// </summary>
public sealed partial class EduDispatcher(IEnumerable<IEduHandler> handlers, ILogger<EduDispatcher> logger)
{
    public const int MaxEdus = 100;

    private readonly Dictionary<string, IEduHandler> byType = handlers.ToDictionary(h => h.EduType, StringComparer.Ordinal);

    /// <summary>The EDU types some handler takes.</summary>
    public IReadOnlyCollection<string> Types => byType.Keys;

    public async Task DispatchAsync(string origin, JsonArray? edus, CancellationToken ct)
    {
        if (edus is null) return;
        foreach (var edu in edus.Take(MaxEdus))
        {
            if (edu is not JsonObject o || o["edu_type"] is not JsonValue t || !t.TryGetValue<string>(out var type) || o["content"] is not JsonObject content)
            {
                LogMalformed(logger, origin);
                continue;
            }
            if (!byType.TryGetValue(type, out var handler))
            {
                LogUnknown(logger, origin, type);
                continue;
            }
            try
            {
                await handler.HandleAsync(origin, content, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                LogFailed(logger, origin, type, e);
            }
        }
    }

    [LoggerMessage(EventId = 7301, Level = LogLevel.Debug, Message = "EDU from {Origin} without edu_type or content object skipped")]
    private static partial void LogMalformed(ILogger logger, string origin);

    [LoggerMessage(EventId = 7302, Level = LogLevel.Debug, Message = "EDU of unhandled type {Type} from {Origin} skipped")]
    private static partial void LogUnknown(ILogger logger, string origin, string type);

    [LoggerMessage(EventId = 7303, Level = LogLevel.Warning, Message = "EDU {Type} from {Origin} failed")]
    private static partial void LogFailed(ILogger logger, string origin, string type, Exception exception);
}
