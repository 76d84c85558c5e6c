using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol;
using Messenger.Federation.Protocol.Encoding;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Homeserver.RoomServer;

namespace Messenger.Homeserver.FederationApi;

/// <summary>
/// The requesting server's step between <c>make_leave</c>/<c>make_knock</c> and their <c>send_</c> call: the template
/// must be what was asked for ("the response MUST be treated as malformed and discarded" otherwise: the room id,
/// sender and state key, type <c>m.room.member</c>, the membership), then our user's content goes in and we sign it.
/// </summary>
public static class MembershipEventMaker
{
    public static Result<Pdu> FromTemplate(JsonObject made, string roomId, string userId, string membership, JsonObject content, RoomServerContext context)
    {
        var versionId = made["room_version"] is JsonValue v && v.TryGetValue(out string? id) ? id : "1";
        if (RoomVersions.Find(versionId) is not { } version) return Result<Pdu>.Failure($"unsupported room version {versionId}");
        if (made["event"] is not JsonObject template) return Result<Pdu>.Failure("no event template");
        if (Text(template, "room_id") != roomId || Text(template, "sender") != userId || Text(template, "state_key") != userId
            || Text(template, "type") != EventTypes.Member || (string?)(template["content"]?["membership"] as JsonValue) != membership)
            return Result<Pdu>.Failure($"the template is not a {membership} of {userId} in {roomId}");

        var eventContent = content.DeepClone().AsObject();
        eventContent["membership"] = membership;
        var draft = new EventDraft
        {
            Type = EventTypes.Member, Sender = userId, StateKey = userId, RoomId = roomId, Content = eventContent,
            PrevEvents = References(template["prev_events"], version), AuthEvents = References(template["auth_events"], version),
            Depth = template["depth"] is JsonValue d && d.TryGetValue(out long depth) ? depth : 1,
            OriginServerTs = context.Time.GetUtcNow().ToUnixTimeMilliseconds(),
            EventIdOpaquePart = version.EventIdInEvent ? UnpaddedBase64.EncodeUrlSafe(RandomNumberGenerator.GetBytes(12)) : null,
        };
        return PduBuilder.Build(draft, version, context.ServerName, context.SigningKey);
    }

    private static string? Text(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static List<string> References(JsonNode? node, RoomVersion version) =>
        node is not JsonArray array ? []
        : [.. array.Select(item => version.EventFormat == EventFormat.V1 ? (string?)(item as JsonArray)?[0] : (string?)item).OfType<string>()];
}
