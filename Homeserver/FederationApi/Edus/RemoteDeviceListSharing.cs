using System.Threading.Channels;
using Messenger.Homeserver.ClientApi.Keys;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.FederationApi.Edus;

/// <summary>
/// Keeps the remote device cache to the users who share a room with ours ("Device Management": servers send updates only
/// to servers sharing a room with the user, so a list of anyone else would silently go out of date). After every
/// membership change (<see cref="MembershipObservers"/>, off the writer's path through a queue) the cached lists of the
/// users it may concern — the remote user whose membership changed, or every remote member of the room when one of ours
/// joined or left — are dropped when the user shares no room with any of our users any more (after the last leave, kick
/// or ban on either side). From then on an EDU about them is ignored and a key query asks their server; a later shared
/// room starts from nothing: they are in <c>device_lists.changed</c> of our roommates (<see cref="DeviceListDeltas"/>),
/// and the first key query for them resyncs the list (<see cref="CachedRemoteKeyDirectory"/>). Our users hear of the
/// end of sharing as <c>device_lists.left</c>, from the membership events themselves.
/// </summary>
public sealed partial class RemoteDeviceListSharing(IServiceScopeFactory scopes, MembershipObservers observers, JoinedMembers members,
    ILogger<RemoteDeviceListSharing> logger) : BackgroundService
{
    private readonly Channel<(string RoomId, IReadOnlyList<string> UserIds)> changes =
        Channel.CreateUnbounded<(string, IReadOnlyList<string>)>(new UnboundedChannelOptions { SingleReader = true });

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        observers.Subscribe((roomId, userIds) => changes.Writer.TryWrite((roomId, userIds)));
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (roomId, userIds) in changes.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await DropUnsharedAsync(scope.ServiceProvider, roomId, userIds, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, roomId, e);
            }
        }
    }

    private async Task DropUnsharedAsync(IServiceProvider services, string roomId, IReadOnlyList<string> userIds, CancellationToken ct)
    {
        var audience = services.GetRequiredService<EduAudience>();
        var rooms = services.GetRequiredService<RoomStore>();
        var candidates = userIds.Where(u => !audience.IsLocal(u)).ToHashSet(StringComparer.Ordinal);
        if (userIds.Any(audience.IsLocal))
        {
            var joined = await members.GetAsync(roomId, c => rooms.MembersAsync(roomId, Federation.Protocol.Events.Membership.Join, c), ct);
            candidates.UnionWith(joined.Where(u => !audience.IsLocal(u)));
        }
        if (candidates.Count == 0) return;
        var store = services.GetRequiredService<RemoteDeviceStore>();
        var held = new List<string>();
        foreach (var chunk in candidates.Chunk(500)) held.AddRange(await store.HeldAsync(chunk, ct));
        var writer = services.GetRequiredService<KeyStreamWriter>();
        foreach (var userId in held)
        {
            if (await audience.SharesRoomWithLocalUserAsync(userId, ct)) continue;
            await writer.RunAsync(_ => store.DropAsync(userId, ct), ct);
            LogDropped(logger, userId);
        }
    }

    [LoggerMessage(EventId = 7426, Level = LogLevel.Information, Message = "Cached device list of {UserId} dropped: no shared room any more")]
    private static partial void LogDropped(ILogger logger, string userId);

    [LoggerMessage(EventId = 7427, Level = LogLevel.Error, Message = "Device list cache upkeep after a membership change in {RoomId} failed")]
    private static partial void LogFailed(ILogger logger, string roomId, Exception exception);
}
