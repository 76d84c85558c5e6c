using System.Text.Json.Nodes;
using Messenger.Federation.Http;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.RoomServer;

namespace Messenger.Homeserver.FederationApi;

/// <summary>
/// The templates of <c>make_join</c>, <c>make_leave</c> and <c>make_knock</c>: the membership event built on the room as
/// it stands (prev events, auth events, depth) and run through the auth rules before it is offered, so an event that
/// would be refused fails early with the rule's reason (403). Hashes, signatures and the event id are left out: the
/// requesting server signs the event it makes of the template.
/// </summary>
public sealed class MembershipTemplates(RoomEventPipeline pipeline, RoomServerContext context)
{
    public async Task<JsonObject> BuildAsync(RoomSnapshot room, string userId, JsonObject content, CancellationToken ct)
    {
        var batch = new LocalEventBatch(room, (id, token) => pipeline.LoadEventAsync(id, room.Version, token), context.ServerName, context.SigningKey, context.Time);
        Pdu trial;
        try
        {
            trial = await batch.AddAsync(new LocalEvent(userId, EventTypes.Member, content, StateKey: userId), ct);
        }
        catch (EventRejectedException e)
        {
            throw FederationError.Forbidden(e.Message);
        }
        var template = trial.Json.DeepClone().AsObject();
        foreach (var key in new[] { "hashes", "signatures", "event_id", "unsigned" }) template.Remove(key);
        template["origin"] = context.ServerName;
        return new JsonObject { ["room_version"] = room.Version.Id, ["event"] = template };
    }
}
