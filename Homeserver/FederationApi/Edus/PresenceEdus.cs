using System.Text.Json.Nodes;
using Messenger.Federation.Edus;
using Messenger.Federation.Sending;
using Messenger.Homeserver.ClientApi.Presence;

namespace Messenger.Homeserver.FederationApi.Edus;

/// <summary>
/// <c>m.presence</c> over federation ("Presence": presence is only EDUs). Outbound: each visible change of a local
/// user's presence (<see cref="PresenceTracker.Changed"/>) is pushed to the servers sharing a room with them.
/// Inbound: each update whose user belongs to the origin and shares a room with this server is kept in the same
/// tracker (<see cref="PresenceTracker.SetRemote"/>), which wakes the syncs that show it; others are ignored.
/// Nothing is sent or taken while presence is disabled.
/// </summary>
public sealed partial class PresenceEdus(PresenceTracker tracker, IServiceScopeFactory scopes, TimeProvider time, ILogger<PresenceEdus> logger) : IEduHandler
{
    /// <summary>A cap on <c>last_active_ago</c> (a century) so that a hostile value cannot underflow the clock.</summary>
    private const long MaxAgo = 36_500L * 24 * 3600 * 1000;

    private readonly EduSendChain chain = new();

    public string EduType => "m.presence";

    /// <summary>Subscribes to presence changes (once, at start).</summary>
    public void Start()
    {
        if (tracker.Enabled) tracker.Changed += userId => chain.Enqueue(() => SendAsync(userId));
    }

    private async Task SendAsync(string userId)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var audience = scope.ServiceProvider.GetRequiredService<EduAudience>();
            if (!audience.IsLocal(userId) || tracker.Get(userId) is not { } state) return;
            var servers = await audience.ServersSharingRoomsAsync(userId, CancellationToken.None);
            if (servers.Count == 0) return;
            var now = time.GetUtcNow();
            var update = PresenceService.Content(state, now);
            update["user_id"] = userId;
            // last_active_ago is required; a user never active since start counts from the epoch, as Synapse's 0 does.
            update["last_active_ago"] ??= now.ToUnixTimeMilliseconds();
            var content = new JsonObject { ["push"] = new JsonArray(update) };
            await scope.ServiceProvider.GetRequiredService<IFederationEduQueue>().EnqueueAsync(servers, EduType, content, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogSendFailed(logger, userId, e);
        }
    }

    public async Task HandleAsync(string origin, JsonObject content, CancellationToken ct)
    {
        if (!tracker.Enabled || content["push"] is not JsonArray push) return;
        await using var scope = scopes.CreateAsyncScope();
        var audience = scope.ServiceProvider.GetRequiredService<EduAudience>();
        foreach (var item in push.OfType<JsonObject>())
        {
            if (item["user_id"] is not JsonValue u || !u.TryGetValue(out string? userId)
                || item["presence"] is not JsonValue p || !p.TryGetValue(out string? presence) || !PresenceState.IsState(presence)) continue;
            if (!await audience.IsKnownRemoteAsync(origin, userId, ct))
            {
                LogIgnored(logger, origin, userId);
                continue;
            }
            var statusMsg = item["status_msg"] is JsonValue s && s.TryGetValue(out string? message) ? message : null;
            var ago = item["last_active_ago"] is JsonValue a && a.TryGetValue(out long ms) && ms >= 0 ? ms : 0;
            tracker.SetRemote(userId, presence, statusMsg, TimeSpan.FromMilliseconds(Math.Min(ago, MaxAgo)));
        }
    }

    [LoggerMessage(EventId = 7413, Level = LogLevel.Warning, Message = "Could not queue the presence EDU for {UserId}")]
    private static partial void LogSendFailed(ILogger logger, string userId, Exception exception);

    [LoggerMessage(EventId = 7414, Level = LogLevel.Debug, Message = "Presence EDU from {Origin} for {UserId} ignored")]
    private static partial void LogIgnored(ILogger logger, string origin, string userId);
}
