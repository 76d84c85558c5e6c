using System.Security.Cryptography;
using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Encoding;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Federation.Protocol.Keys;
using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.RoomServer;

/// <summary>
/// Step 1 and 2 of the event path for local events: builds each event on the room as it stands after the previous
/// ones (prev_events = forward extremities, auth_events chosen per room version, depth), signs it, and authorises
/// it against the state before it. Nothing is stored here; the batch is persisted in one transaction afterwards.
/// </summary>
public sealed class LocalEventBatch(RoomSnapshot start, Func<string, CancellationToken, Task<Pdu>> loadEvent, string serverName, ServerSigningKey key, TimeProvider time, long earliestTs = 0)
{
    /// <summary>
    /// Spec limit on prev_events is 20; like Synapse we cite at most 10 extremities, so a room with more
    /// open branches (received over federation) merges them over the next few events. The state the event is built and
    /// authorised on is the room's current state, resolved across all extremities ("Soft failure" calls it so).
    /// </summary>
    private const int MaxPrevEvents = 10;

    private readonly Dictionary<string, Pdu> built = new(StringComparer.Ordinal);
    private readonly List<NewEvent> events = [];

    /// <summary>The room before the batch.</summary>
    public RoomSnapshot Start { get; } = start;

    /// <summary>The room after the events added so far.</summary>
    public RoomSnapshot Working { get; private set; } = start;

    public IReadOnlyList<NewEvent> Events => events;

    /// <summary>Builds, signs and authorises one event; throws <see cref="EventRejectedException"/> if the protocol refuses it.</summary>
    public async Task<Pdu> AddAsync(LocalEvent request, CancellationToken ct)
    {
        var room = Working;
        var version = room.Version;
        var authKeys = AuthEventSelector.Select(version, request.Type, request.Sender, request.StateKey, request.Content);
        var authEvents = new List<Pdu>(authKeys.Count);
        foreach (var authKey in authKeys)
        {
            if (room.State.TryGetValue(authKey, out var id)) authEvents.Add(await GetAsync(id, ct));
        }

        var prev = room.Extremities.Length > MaxPrevEvents ? room.Extremities[^MaxPrevEvents..] : room.Extremities;
        var draft = new EventDraft
        {
            Type = request.Type,
            Sender = request.Sender,
            RoomId = request.Type == EventTypes.Create && version.RoomIdFromCreateEvent ? null : room.RoomId,
            StateKey = request.StateKey,
            Content = request.Content,
            PrevEvents = [.. prev],
            AuthEvents = authEvents.Select(e => e.EventId).ToList(),
            Depth = Math.Min(room.MaxDepth + 1, (1L << 53) - 1),
            OriginServerTs = Math.Max(time.GetUtcNow().ToUnixTimeMilliseconds(), earliestTs),
            Redacts = request.Redacts,
            EventIdOpaquePart = version.EventIdInEvent ? UnpaddedBase64.EncodeUrlSafe(RandomNumberGenerator.GetBytes(12)) : null,
        };
        var result = PduBuilder.Build(draft, version, serverName, key);
        if (!result.IsSuccess) throw new EventRejectedException(MatrixErrorCode.BadJson, result.Error);
        var pdu = result.Value;

        Pdu? create = null;
        if (room.State.TryGetValue(new StateKey(EventTypes.Create, ""), out var createId)) create = await GetAsync(createId, ct);
        var verdict = EventAuthorizer.Authorize(pdu, AuthEventSelector.ToAuthState(authEvents, create));
        if (!verdict.IsAllowed) throw new EventRejectedException(MatrixErrorCode.Forbidden, verdict.Reason ?? "Event not allowed");

        built[pdu.EventId] = pdu;
        events.Add(new NewEvent(pdu, request.TxnId, request.DeviceId));
        Working = room with
        {
            RoomId = room.RoomId.Length > 0 ? room.RoomId : RoomId.FromCreateEventId(pdu.EventId).Value,
            State = pdu.StateTuple is { } stateKey ? room.State.SetItem(stateKey, pdu.EventId) : room.State,
            Extremities = [.. room.Extremities.Where(id => !prev.Contains(id)), pdu.EventId],
            MaxDepth = pdu.Depth,
        };
        return pdu;
    }

    /// <summary>Swaps the last event for the same event carrying more signatures (an invite the invitee's server co-signed).</summary>
    public void ReplaceLast(Pdu countersigned)
    {
        var last = events[^1];
        if (countersigned.EventId != last.Pdu.EventId) throw new InvalidOperationException("the countersigned event is another event");
        events[^1] = last with { Pdu = countersigned };
        built[countersigned.EventId] = countersigned;
    }

    private async Task<Pdu> GetAsync(string eventId, CancellationToken ct) =>
        built.TryGetValue(eventId, out var pdu) ? pdu : await loadEvent(eventId, ct);
}
