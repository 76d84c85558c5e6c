using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>"Sending events to a room", "Redactions", and reading single events and state ("Getting events for a room").</summary>
public sealed class RoomEventsService(RoomEventPipeline pipeline, RoomStore rooms, RoomAccess access, ClientEventFormatter formatter, CanonicalAliasValidator canonicalAliases, RelationSendRules relationRules)
{
    /// <summary>PUT /rooms/{roomId}/send/{eventType}/{txnId}: a message event; the same txn id from the same device returns the same event.</summary>
    public async Task<string> SendMessageAsync(Requester requester, string roomId, string type, string txnId, JsonObject content, CancellationToken ct)
    {
        if (await pipeline.SnapshotAsync(roomId, ct) is null) throw MatrixError.NotFound("Unknown room");
        // A retried transaction returns its event before the relation rules could call the retry a duplicate. Other
        // retries are answered by the room server, when it finds the transaction's row taken as it writes the event.
        if (EventRelation.Of(content) is not null)
        {
            if (await rooms.TxnEventAsync(requester.UserId, requester.DeviceId, txnId, ct) is { } earlier) return earlier;
            await relationRules.CheckAsync(roomId, requester.UserId, type, content, ct);
        }
        return await pipeline.SendAsync(roomId, new LocalEvent(requester.UserId, type, content) { TxnId = txnId, DeviceId = requester.DeviceId }, ct);
    }

    /// <summary>
    /// PUT /rooms/{roomId}/state/{eventType}/{stateKey}. Setting the content the key already has returns the current
    /// event instead of a duplicate (as Synapse). Membership changes belong to the membership endpoints.
    /// </summary>
    public async Task<string> SendStateAsync(Requester requester, string roomId, string type, string stateKey, JsonObject content, CancellationToken ct)
    {
        var snapshot = await pipeline.SnapshotAsync(roomId, ct) ?? throw MatrixError.NotFound("Unknown room");
        if (type == EventTypes.Create) throw MatrixError.Forbidden("The create event cannot be replaced");
        if (snapshot.StateEventId(type, stateKey) is { } currentId)
        {
            var current = await pipeline.LoadEventAsync(currentId, snapshot.Version, ct);
            if (current.Sender == requester.UserId && JsonNode.DeepEquals(current.Content, content)) return currentId;
        }
        if (type == EventTypes.CanonicalAlias && stateKey == "") await canonicalAliases.ValidateAsync(snapshot, content, ct);
        return await pipeline.SendAsync(roomId, new LocalEvent(requester.UserId, type, content, StateKey: stateKey) { DeviceId = requester.DeviceId }, ct);
    }

    /// <summary>
    /// PUT /rooms/{roomId}/redact/{eventId}/{txnId}. Redacting another user's event needs the room's redact level;
    /// from room version 3 the auth rules leave that check to the sender's server, which is us.
    /// </summary>
    public async Task<string> RedactAsync(Requester requester, string roomId, string eventId, string txnId, string? reason, CancellationToken ct)
    {
        var snapshot = await access.RequireJoinedAsync(roomId, requester.UserId, ct);
        var target = await rooms.EventRowAsync(eventId, ct);
        if (target is null || target.RoomId != roomId) throw MatrixError.NotFound("Event not found");
        if (target.Sender != requester.UserId)
        {
            var powerLevels = snapshot.StateEventId(EventTypes.PowerLevels) is { } pl ? await pipeline.LoadEventAsync(pl, snapshot.Version, ct) : null;
            var create = snapshot.StateEventId(EventTypes.Create) is { } c ? await pipeline.LoadEventAsync(c, snapshot.Version, ct) : null;
            var levels = new PowerLevels(powerLevels, create, snapshot.Version);
            if (levels.UserLevel(requester.UserId) < levels.Redact) throw MatrixError.Forbidden("You may not redact other users' events in this room");
        }
        var content = new JsonObject();
        if (!string.IsNullOrEmpty(reason)) content["reason"] = reason;
        return await pipeline.SendAsync(roomId,
            new LocalEvent(requester.UserId, EventTypes.Redaction, content, Redacts: eventId) { TxnId = txnId, DeviceId = requester.DeviceId }, ct);
    }

    /// <summary>
    /// GET /rooms/{roomId}/event/{eventId}. An event the user may not see (history visibility, or after their leave)
    /// is <c>M_NOT_FOUND</c>, as the spec's 404 says: "not found or you do not have permission to read this event".
    /// </summary>
    public async Task<JsonObject> GetEventAsync(Requester requester, string roomId, string eventId, CancellationToken ct)
    {
        var view = await access.RequireReadableAsync(roomId, requester.UserId, ct);
        var row = await rooms.EventRowAsync(eventId, ct);
        if (row is null || row.RoomId != roomId || !IsServedToClients(row, view.Snapshot) || !await access.IsVisibleAsync(requester.UserId, view, row, ct))
            throw MatrixError.NotFound("Event not found");
        return (await formatter.FormatAsync([row], view.Snapshot.Version, requester.UserId, requester.DeviceId, ct))[0];
    }

    /// <summary>GET /rooms/{roomId}/state: the current state as client events; for a user who left, the state when they left.</summary>
    public async Task<List<JsonObject>> GetStateAsync(Requester requester, string roomId, CancellationToken ct)
    {
        var (version, state) = await ReadableStateAsync(requester, roomId, ct);
        var rows = await rooms.EventRowsAsync(state.Values.ToList(), ct);
        return await formatter.FormatAsync(rows, version, requester.UserId, requester.DeviceId, ct);
    }

    /// <summary>
    /// GET /rooms/{roomId}/state/{eventType}/{stateKey}: the content, or the whole event with <c>format=event</c>; for a
    /// user who left, from the state when they left.
    /// </summary>
    public async Task<JsonObject> GetStateEventAsync(Requester requester, string roomId, string type, string stateKey, bool wholeEvent, CancellationToken ct)
    {
        var (version, state) = await ReadableStateAsync(requester, roomId, ct);
        var eventId = state.GetValueOrDefault(new StateKey(type, stateKey)) ?? throw MatrixError.NotFound("Event not found");
        var row = await rooms.EventRowAsync(eventId, ct) ?? throw MatrixError.NotFound("Event not found");
        var formatted = (await formatter.FormatAsync([row], version, requester.UserId, requester.DeviceId, ct))[0];
        return wholeEvent ? formatted : formatted["content"]!.AsObject().DeepClone().AsObject();
    }

    /// <summary>The state a user may read: current for members (and world-readable peekers), at their leave for former members.</summary>
    private async Task<(Federation.Protocol.RoomVersions.RoomVersion Version, IReadOnlyDictionary<StateKey, string> State)> ReadableStateAsync(
        Requester requester, string roomId, CancellationToken ct)
    {
        var view = await access.RequireReadableAsync(roomId, requester.UserId, ct);
        return (view.Snapshot.Version, view.StateGroupAtLeave is { } left ? await rooms.StateGroupAsync(left, ct) : view.Snapshot.State);
    }

    /// <summary>
    /// Rejected events never reach clients; soft-failed ones only once state resolution put them in the current
    /// state (server-server API, "Rejection" and "Soft failure").
    /// </summary>
    internal static bool IsServedToClients(Storage.Rows.EventRow row, RoomSnapshot snapshot) => row.Kind switch
    {
        Storage.Rows.EventKind.Rejected => false,
        Storage.Rows.EventKind.SoftFailed => snapshot.State.ContainsValue(row.EventId),
        _ => true,
    };
}
