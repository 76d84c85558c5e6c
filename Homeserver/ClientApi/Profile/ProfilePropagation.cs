using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Profile;

/// <summary>
/// Carries a profile change into rooms: in each room the user is joined to, a new <c>m.room.member</c> event with
/// the same membership and content but the new <c>displayname</c> and <c>avatar_url</c>, sent through the one event
/// path, so other members (and federation later) learn it like any state change. Rooms whose member event already
/// says so get nothing; a room that refuses the event does not stop the others.
/// </summary>
public sealed partial class ProfilePropagation(RoomStore rooms, RoomEventPipeline pipeline, ILogger<ProfilePropagation> logger)
{
    public async Task UpdateMemberEventsAsync(string userId, string? displayName, string? avatarUrl, CancellationToken ct)
    {
        foreach (var roomId in await rooms.RoomsWithMembershipAsync(userId, Membership.Join, ct))
        {
            var snapshot = await pipeline.SnapshotAsync(roomId, ct);
            if (snapshot?.StateEventId(EventTypes.Member, userId) is not { } memberEventId) continue;
            var current = await rooms.EventRowAsync(memberEventId, ct);
            if (current is null || current.Membership != Membership.Join) continue;
            var content = JsonNode.Parse(current.Json)?["content"]?.DeepClone() as JsonObject ?? new JsonObject { ["membership"] = Membership.Join };
            if ((string?)content["displayname"] == displayName && (string?)content["avatar_url"] == avatarUrl) continue;
            // Only the profile changes: a restricted join's authorising server or a reason belonged to the original join.
            content.Remove("join_authorised_via_users_server");
            content.Remove("reason");
            Set(content, "displayname", displayName);
            Set(content, "avatar_url", avatarUrl);
            try
            {
                await pipeline.SendAsync(roomId, new LocalEvent(userId, EventTypes.Member, content, StateKey: userId), ct);
            }
            catch (MatrixException e)
            {
                LogNotPropagated(logger, userId, roomId, e.Message);
            }
        }
    }

    private static void Set(JsonObject content, string key, string? value)
    {
        if (value is null) content.Remove(key);
        else content[key] = value;
    }

    [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "Profile change of {UserId} not sent to {RoomId}: {Reason}")]
    private static partial void LogNotPropagated(ILogger logger, string userId, string roomId, string reason);
}
