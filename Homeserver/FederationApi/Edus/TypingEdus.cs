using System.Text.Json.Nodes;
using Messenger.Federation.Edus;
using Messenger.Federation.Sending;
using Messenger.Homeserver.ClientApi.Typing;

namespace Messenger.Homeserver.FederationApi.Edus;

/// <summary>
/// <c>m.typing</c> over federation ("Typing Notifications"). Outbound: every change of a local user's typing in a room
/// (started, stopped, expired; from <see cref="TypingTracker.UserChanged"/>) goes to the other servers in the room.
/// Inbound: an EDU whose user belongs to the origin and is joined to the room, from a server the room's ACL does not
/// deny, sets the user typing in the same tracker local typing uses, so local users see it in <c>/sync</c>; anything
/// else is ignored. A remote user's typing expires after <see cref="RemoteTimeout"/> unless renewed or stopped, as the
/// EDU carries no timeout.
/// </summary>
public sealed partial class TypingEdus(TypingTracker tracker, IServiceScopeFactory scopes, ILogger<TypingEdus> logger) : IEduHandler
{
    /// <summary>How long a remote "typing" lasts without news (Synapse's federation timeout, 60 s).</summary>
    public static readonly TimeSpan RemoteTimeout = TimeSpan.FromSeconds(60);

    private readonly EduSendChain chain = new();

    public string EduType => "m.typing";

    /// <summary>Subscribes to local typing changes (once, at start).</summary>
    public void Start() => tracker.UserChanged += (roomId, userId, typing) => chain.Enqueue(() => SendAsync(roomId, userId, typing));

    private async Task SendAsync(string roomId, string userId, bool typing)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var audience = scope.ServiceProvider.GetRequiredService<EduAudience>();
            if (!audience.IsLocal(userId)) return;
            var servers = await audience.ServersInRoomAsync(roomId, CancellationToken.None);
            if (servers.Count == 0) return;
            var content = new JsonObject { ["room_id"] = roomId, ["user_id"] = userId, ["typing"] = typing };
            await scope.ServiceProvider.GetRequiredService<IFederationEduQueue>().EnqueueAsync(servers, EduType, content, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogSendFailed(logger, roomId, e);
        }
    }

    public async Task HandleAsync(string origin, JsonObject content, CancellationToken ct)
    {
        if (content["room_id"] is not JsonValue r || !r.TryGetValue(out string? roomId)
            || content["user_id"] is not JsonValue u || !u.TryGetValue(out string? userId)
            || content["typing"] is not JsonValue t || !t.TryGetValue(out bool typing)) return;
        await using var scope = scopes.CreateAsyncScope();
        if (!await scope.ServiceProvider.GetRequiredService<EduAudience>().MayActInRoomAsync(origin, roomId, userId, ct))
        {
            LogIgnored(logger, origin, userId, roomId);
            return;
        }
        tracker.Set(roomId, userId, typing, RemoteTimeout);
    }

    [LoggerMessage(EventId = 7411, Level = LogLevel.Warning, Message = "Could not queue the typing EDU for {RoomId}")]
    private static partial void LogSendFailed(ILogger logger, string roomId, Exception exception);

    [LoggerMessage(EventId = 7412, Level = LogLevel.Debug, Message = "Typing EDU from {Origin} for {UserId} in {RoomId} ignored")]
    private static partial void LogIgnored(ILogger logger, string origin, string userId, string roomId);
}
