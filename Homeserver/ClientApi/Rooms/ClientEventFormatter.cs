using System.Text.Json;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>
/// Turns stored events into the client event format ("Room Event Format"): the PDU's client-facing keys, the
/// redacted form for redacted events (with <c>redacted_because</c>), and <c>unsigned</c> with <c>age</c>,
/// <c>transaction_id</c> (only for the device that sent it), <c>prev_content</c>, <c>replaces_state</c> and the bundled
/// aggregations <c>m.relations</c> (<see cref="BundledAggregations"/>). Loads what it needs for a whole page of events
/// in a few queries.
/// </summary>
public sealed class ClientEventFormatter(RoomStore rooms, BundledAggregations aggregations, TimeProvider time, ParsedEvents parsed)
{
    /// <summary>
    /// Levels of events that get their own aggregations: a thread's latest event is "serialized in the same form as the
    /// event itself", with its edit bundled ("Server-side aggregation of m.thread relationships"); that edit gets none.
    /// </summary>
    private const int BundlingLevels = 2;

    public Task<List<JsonObject>> FormatAsync(IReadOnlyList<EventRow> events, RoomVersion version, string? viewerUserId, string? viewerDeviceId, CancellationToken ct) =>
        FormatAsync(events, version, viewerUserId, viewerDeviceId, BundlingLevels, ct);

    /// <summary>
    /// The same without bundled aggregations, sparing their query: for <c>/sync</c> timelines that are not
    /// <c>limited</c>, where the spec asks for none ("Aggregations of child events": only when limited).
    /// </summary>
    public Task<List<JsonObject>> FormatUnbundledAsync(IReadOnlyList<EventRow> events, RoomVersion version, string? viewerUserId, string? viewerDeviceId, CancellationToken ct) =>
        FormatAsync(events, version, viewerUserId, viewerDeviceId, 0, ct);

    private async Task<List<JsonObject>> FormatAsync(IReadOnlyList<EventRow> events, RoomVersion version, string? viewerUserId, string? viewerDeviceId, int bundling, CancellationToken ct)
    {
        if (events.Count == 0) return [];
        var related = events.Select(e => e.ReplacesState).Concat(events.Select(e => e.RedactedBy)).OfType<string>().Distinct().ToList();
        var relatedRows = related.Count == 0 ? [] : (await rooms.EventRowsAsync(related, ct)).ToDictionary(r => r.EventId);
        // Only message events carry a transaction id (PUT .../send/{txnId} and .../redact/{txnId}; state endpoints take
        // none): a sync's lazy-loaded member events (the user's own among them) need no lookup.
        var own = viewerUserId is null || viewerDeviceId is null ? [] : events.Where(e => e.Sender == viewerUserId && e.StateKey is null).Select(e => e.EventId).ToList();
        var txns = own.Count == 0 ? new Dictionary<string, string>() : await rooms.TxnIdsAsync(own, viewerUserId!, viewerDeviceId!, ct);

        var bundles = bundling > 0 ? await aggregations.LoadAsync(events, viewerUserId, ct) : [];
        var nested = await FormatNestedAsync(bundles, version, viewerUserId, viewerDeviceId, bundling - 1, ct);

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var result = new List<JsonObject>(events.Count);
        foreach (var row in events)
        {
            var unsigned = new JsonObject { ["age"] = Math.Max(0, now - row.OriginServerTs) };
            JsonObject? redacted = null;
            if (row.RedactedBy is { } redactedBy && relatedRows.TryGetValue(redactedBy, out var redaction))
            {
                redacted = Redactor.Redact((JsonObject)JsonNode.Parse(row.Json)!, version);
                unsigned["redacted_because"] = ToClientEvent((JsonObject)JsonNode.Parse(redaction.Json)!, redaction.EventId, redaction.RoomId, null);
            }
            if (txns.TryGetValue(row.EventId, out var txnId)) unsigned["transaction_id"] = txnId;
            if (row.ReplacesState is { } replaced && relatedRows.TryGetValue(replaced, out var previous))
            {
                var previousJson = (JsonObject)JsonNode.Parse(previous.Json)!;
                if (previous.RedactedBy is not null) previousJson = Redactor.Redact(previousJson, version);
                unsigned["replaces_state"] = replaced;
                unsigned["prev_content"] = previousJson["content"]?.DeepClone();
                unsigned["prev_sender"] = previous.Sender;
            }
            if (bundles.TryGetValue(row.EventId, out var bundle)) unsigned["m.relations"] = Relations(bundle, nested);
            result.Add(redacted is not null ? ToClientEvent(redacted, row.EventId, row.RoomId, unsigned) : ToClientEvent(parsed.RootOf(row), row.EventId, row.RoomId, unsigned));
        }
        return result;
    }

    /// <summary>The edits and latest thread events of <paramref name="bundles"/>, formatted in one batch.</summary>
    private async Task<Dictionary<string, JsonObject>> FormatNestedAsync(Dictionary<string, EventAggregation> bundles, RoomVersion version,
        string? viewerUserId, string? viewerDeviceId, int bundling, CancellationToken ct)
    {
        if (bundles.Count == 0) return [];
        var rows = bundles.Values.SelectMany(b => new[] { b.Edit, b.Thread?.Latest }).OfType<EventRow>().DistinctBy(r => r.EventId).ToList();
        var formatted = await FormatAsync(rows, version, viewerUserId, viewerDeviceId, bundling, ct);
        return formatted.ToDictionary(e => (string)e["event_id"]!);
    }

    /// <summary><c>m.relations</c>: <c>m.replace</c> is the whole edit event (v1.7), <c>m.reference</c> a chunk of ids.</summary>
    private static JsonObject Relations(EventAggregation bundle, Dictionary<string, JsonObject> nested)
    {
        var relations = new JsonObject();
        if (bundle.Edit is { } edit) relations["m.replace"] = nested[edit.EventId].DeepClone();
        if (bundle.Thread is { } thread)
        {
            relations["m.thread"] = new JsonObject
            {
                ["latest_event"] = nested[thread.Latest.EventId].DeepClone(),
                ["count"] = thread.Count,
                ["current_user_participated"] = thread.CurrentUserParticipated,
            };
        }
        if (bundle.References is { } references)
            relations["m.reference"] = new JsonObject { ["chunk"] = new JsonArray(references.Select(id => (JsonNode)new JsonObject { ["event_id"] = id }).ToArray()) };
        return relations;
    }

    /// <summary>The client-facing keys of a PDU; federation-only keys (hashes, signatures, auth_events, depth...) are dropped.</summary>
    public static JsonObject ToClientEvent(JsonObject pdu, string eventId, string roomId, JsonObject? unsigned)
    {
        var ev = new JsonObject
        {
            ["content"] = pdu["content"]?.DeepClone() ?? new JsonObject(),
            ["event_id"] = eventId,
            ["origin_server_ts"] = pdu["origin_server_ts"]?.DeepClone(),
            ["room_id"] = roomId,
            ["sender"] = pdu["sender"]?.DeepClone(),
            ["type"] = pdu["type"]?.DeepClone(),
        };
        if (pdu["state_key"] is { } stateKey) ev["state_key"] = stateKey.DeepClone();
        // Clients read `redacts` at the top level in every room version; from v11 it lives in content too.
        if (pdu["redacts"] is { } redacts) ev["redacts"] = redacts.DeepClone();
        else if ((string?)pdu["type"] == EventTypes.Redaction && pdu["content"]?["redacts"] is { } inContent) ev["redacts"] = inContent.DeepClone();
        if (unsigned is not null) ev["unsigned"] = unsigned;
        return ev;
    }

    /// <summary>
    /// The same from a shared parsed event (<see cref="ParsedEvents"/>): the keys become nodes over its elements, copied
    /// only if a caller changes them; written out, they are the same JSON.
    /// </summary>
    private static JsonObject ToClientEvent(JsonElement pdu, string eventId, string roomId, JsonObject? unsigned)
    {
        var ev = new JsonObject
        {
            ["content"] = Node(pdu, "content") ?? new JsonObject(),
            ["event_id"] = eventId,
            ["origin_server_ts"] = Node(pdu, "origin_server_ts"),
            ["room_id"] = roomId,
            ["sender"] = Node(pdu, "sender"),
            ["type"] = Node(pdu, "type"),
        };
        if (Node(pdu, "state_key") is { } stateKey) ev["state_key"] = stateKey;
        if (Node(pdu, "redacts") is { } redacts) ev["redacts"] = redacts;
        else if (pdu.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.ValueEquals(EventTypes.Redaction)
            && pdu.TryGetProperty("content", out var content) && Node(content, "redacts") is { } inContent) ev["redacts"] = inContent;
        if (unsigned is not null) ev["unsigned"] = unsigned;
        return ev;
    }

    /// <summary>A node over the object's property (null when absent or JSON null, as indexing a parsed node gives).</summary>
    private static JsonNode? Node(JsonElement parent, string key) =>
        parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(key, out var value) ? null : value.ValueKind switch
        {
            JsonValueKind.Object => JsonObject.Create(value),
            JsonValueKind.Array => JsonArray.Create(value),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => JsonValue.Create(value),
        };

    /// <summary>Stripped state ("Stripped state"): type, state_key, sender and content only, for invites and knocks.</summary>
    public static JsonObject ToStrippedState(JsonObject pdu) => new()
    {
        ["content"] = pdu["content"]?.DeepClone(),
        ["sender"] = pdu["sender"]?.DeepClone(),
        ["state_key"] = pdu["state_key"]?.DeepClone(),
        ["type"] = pdu["type"]?.DeepClone(),
    };
}
