using System.Text;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.ClientApi.Push;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.AccountData;

/// <summary>
/// "Client Config" (account data, global and per room) and "Room Tagging" (the <c>m.tag</c> room account data).
/// Users read and write only their own; the types the server manages are refused for writing but readable.
/// </summary>
public sealed class AccountDataService(AccountDataStore store, PushRulesService pushRules)
{
    /// <summary>The room account data type holding a room's tags ("Room Tagging").</summary>
    public const string TagType = "m.tag";

    /// <summary>The spec's limit on a tag name ("The name of a tag MUST NOT exceed 255 bytes").</summary>
    private const int MaxTagBytes = 255;

    /// <summary>
    /// "Servers MUST reject setting account data for event types that the server manages by using a 405 error
    /// response": <c>m.fully_read</c> (set through read markers) and <c>m.push_rules</c> (set through the push rules API,
    /// since v1.10), for global and room account data alike. The errcode is <c>M_BAD_JSON</c>, as the OpenAPI says.
    /// </summary>
    private static readonly HashSet<string> ServerManaged = new(StringComparer.Ordinal) { "m.fully_read", "m.push_rules" };

    /// <summary>GET /user/{userId}/account_data/{type} and its per-room form (<paramref name="roomId"/> set).</summary>
    public async Task<JsonObject> GetAsync(Requester requester, string userId, string? roomId, string type, CancellationToken ct)
    {
        RequireSelf(requester, userId, "retrieve");
        var scope = Scope(roomId);
        // The push rules live in their own store; as account data they read as the m.push_rules event's content.
        if (roomId is null && type == "m.push_rules")
            return new JsonObject { ["global"] = (await pushRules.RuleSetAsync(userId, ct)).ToJson() };
        return await store.GetAsync(userId, scope, type, ct)
            ?? throw MatrixError.NotFound(roomId is null ? "Account data not found" : "Room account data not found");
    }

    /// <summary>PUT /user/{userId}/account_data/{type} and its per-room form (<paramref name="roomId"/> set).</summary>
    public async Task SetAsync(Requester requester, string userId, string? roomId, string type, JsonObject content, CancellationToken ct)
    {
        RequireSelf(requester, userId, "modify");
        var scope = Scope(roomId);
        if (ServerManaged.Contains(type)) throw new MatrixException(MatrixErrorCode.BadJson, $"Cannot set {type} through this API", 405);
        await store.SetAsync(userId, scope, type, content, ct);
    }

    /// <summary>GET /user/{userId}/rooms/{roomId}/tags: the <c>tags</c> of the room's <c>m.tag</c>, empty when none.</summary>
    public async Task<JsonObject> TagsAsync(Requester requester, string userId, string roomId, CancellationToken ct)
    {
        RequireSelf(requester, userId, "retrieve");
        var content = await store.GetAsync(userId, Scope(roomId), TagType, ct);
        return new JsonObject { ["tags"] = (content?["tags"] as JsonObject)?.DeepClone() ?? new JsonObject() };
    }

    /// <summary>PUT /user/{userId}/rooms/{roomId}/tags/{tag}: adds or replaces one tag; <c>order</c>, if given, is a number.</summary>
    public async Task PutTagAsync(Requester requester, string userId, string roomId, string tag, JsonObject body, CancellationToken ct)
    {
        RequireSelf(requester, userId, "modify");
        var scope = Scope(roomId);
        if (tag.Length == 0 || Encoding.UTF8.GetByteCount(tag) > MaxTagBytes) throw MatrixError.InvalidParam($"A tag name is 1 to {MaxTagBytes} bytes");
        if (body["order"] is { } order && (order is not JsonValue v || !v.TryGetValue(out double _)))
            throw MatrixError.BadJson("order must be a number");
        await store.UpdateAsync(userId, scope, TagType, current =>
        {
            var tags = TagsOf(current);
            tags[tag] = body.DeepClone();
            return new JsonObject { ["tags"] = tags };
        }, ct);
    }

    /// <summary>DELETE /user/{userId}/rooms/{roomId}/tags/{tag}: removing a tag the room does not have is no error.</summary>
    public async Task DeleteTagAsync(Requester requester, string userId, string roomId, string tag, CancellationToken ct)
    {
        RequireSelf(requester, userId, "modify");
        var scope = Scope(roomId);
        await store.UpdateAsync(userId, scope, TagType, current =>
        {
            var tags = TagsOf(current);
            tags.Remove(tag);
            return new JsonObject { ["tags"] = tags };
        }, ct);
    }

    private static JsonObject TagsOf(JsonObject? content) =>
        (content?["tags"] as JsonObject)?.DeepClone().AsObject() ?? new JsonObject();

    private static void RequireSelf(Requester requester, string userId, string verb)
    {
        if (userId != requester.UserId) throw MatrixError.Forbidden($"Cannot {verb} account data of other users");
    }

    /// <summary>The store's scope: global for no room, else the room id, which must be a valid one (<c>M_INVALID_PARAM</c>).</summary>
    private static string Scope(string? roomId)
    {
        if (roomId is null) return AccountDataStore.Global;
        return RoomId.TryParse(roomId, out _) ? roomId : throw MatrixError.InvalidParam($"{roomId} is not a valid room ID");
    }
}
