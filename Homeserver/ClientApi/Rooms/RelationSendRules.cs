using System.Text.Json.Nodes;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>
/// What the server refuses when a local user sends a relating event (remote events are not checked here: "this does
/// not guarantee that duplicate annotations will not arrive over federation"):
/// <list type="bullet">
/// <item>a thread started off an event that itself relates to another ("Validation of m.thread relationships": 400
/// <c>M_UNKNOWN</c>, the spec having no specific code);</item>
/// <item>a second annotation by the same user of the same event with the same type and key, unless the first was
/// redacted ("Avoiding duplicate annotations": 400 <c>M_DUPLICATE_ANNOTATION</c>).</item>
/// </list>
/// The checks run before the room lock, so two identical reactions racing each other can both pass, as the spec allows.
/// </summary>
public sealed class RelationSendRules(RoomStore rooms, RelationsStore relations)
{
    public async Task CheckAsync(string roomId, string sender, string type, JsonObject content, CancellationToken ct)
    {
        if (EventRelation.Of(content) is not { } relation) return;
        if (relation.RelType == EventRelation.Thread)
        {
            var parent = await rooms.EventRowAsync(relation.ParentId, ct);
            if (parent is not null && parent.RoomId == roomId && parent.RedactedBy is null && parent.RelType is not null)
                throw MatrixError.BadRequest("Cannot start a thread from an event with a relation");
        }
        else if (relation.RelType == EventRelation.Annotation && content["m.relates_to"]?["key"] is JsonValue keyValue && keyValue.TryGetValue(out string? key))
        {
            foreach (var json in await relations.AnnotationsBySenderAsync(relation.ParentId, sender, type, ct))
            {
                if (JsonNode.Parse(json)?["content"]?["m.relates_to"]?["key"] is JsonValue existing && existing.TryGetValue(out string? existingKey) && existingKey == key)
                    throw new MatrixException(MatrixErrorCode.DuplicateAnnotation, "You already sent this annotation");
            }
        }
    }
}
