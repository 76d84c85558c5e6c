using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.ClientApi.Rooms;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.Push;

/// <summary>
/// Evaluates the push rules of each new event for every local user in the room except the sender (and for a local
/// user invited by it), has the notifications that result stored, and wakes the pushers of the users notified. The
/// sender's own notifications up to their event count as read ("Marking notifications as read": sending an event).
/// Rules (kept between events while unchanged), member profiles and power levels are loaded once per batch: a few
/// queries, whatever the room's size.
/// </summary>
public sealed partial class EventPushProcessor(
    RoomStore rooms, PushRuleStore rules, PushRuleSetCache ruleSetCache, PushActionStore actions, RoomServerContext context, PushDeliverySignal delivery,
    ILogger<EventPushProcessor> logger)
    : IEventPushHook
{
    public async Task<PushOutcome> EvaluateAsync(RoomSnapshot after, IReadOnlyList<NewEvent> events, CancellationToken ct)
    {
        try
        {
            return await EvaluateCoreAsync(after, events, stored: false, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, e, after.RoomId);
            return PushOutcome.None;
        }
    }

    public void Committed(PushOutcome outcome)
    {
        if (outcome.Notifications.Count > 0) delivery.Wake(outcome.Notifications.Select(n => n.Row.UserId));
    }

    public async Task OnPersistedAsync(RoomSnapshot after, IReadOnlyList<NewEvent> events, IReadOnlyList<long> streamOrderings)
    {
        try
        {
            var outcome = await EvaluateCoreAsync(after, events, stored: true, CancellationToken.None);
            var stored = (await rooms.EventRowsAsync(events.Select(e => e.Pdu.EventId).ToList(), CancellationToken.None)).ToDictionary(r => r.EventId);
            string? ThreadOf(int i) => stored.GetValueOrDefault(events[i].Pdu.EventId)?.ThreadId;
            foreach (var (i, row) in outcome.Notifications)
            {
                row.StreamOrdering = streamOrderings[i];
                row.ThreadId = ThreadOf(i);
            }
            var readBySending = outcome.ReadBySending.Select(r => (r.UserId, after.RoomId, streamOrderings[r.Event], ThreadOf(r.Event) ?? PushActionStore.MainThread)).ToList();
            await actions.AddAsync(outcome.Notifications.Select(n => n.Row).ToList(), readBySending, CancellationToken.None);
            Committed(outcome);
        }
        catch (Exception e)
        {
            LogFailed(logger, e, after.RoomId);
        }
    }

    private async Task<PushOutcome> EvaluateCoreAsync(RoomSnapshot after, IReadOnlyList<NewEvent> events, bool stored, CancellationToken ct)
    {
        var suffix = ":" + context.ServerName;
        var joined = new HashSet<string>(await context.Members.GetAsync(after.RoomId, c => rooms.MembersAsync(after.RoomId, Membership.Join, c), ct), StringComparer.Ordinal);
        if (!stored) ApplyMemberships(joined, events);
        var candidates = new HashSet<string>(joined.Where(u => u.EndsWith(suffix, StringComparison.Ordinal)), StringComparer.Ordinal);
        foreach (var (pdu, _, _) in events)
        {
            if (pdu.Type == EventTypes.Member && pdu.StateKey is { } target && target.EndsWith(suffix, StringComparison.Ordinal)
                && pdu.Content["membership"] is JsonValue m && m.TryGetValue(out string? membership) && membership == Membership.Invite)
                candidates.Add(target);
        }

        var notified = new List<(int, PushActionRow)>();
        if (candidates.Count > 0)
        {
            var ruleSets = await ruleSetCache.GetAsync(candidates, rules.RowsOfAsync, ct);
            var state = await StateEventsAsync(after, candidates, ct);
            var powerLevels = new PowerLevels(state.GetValueOrDefault(new StateKey(EventTypes.PowerLevels, "")), state.GetValueOrDefault(new StateKey(EventTypes.Create, "")), after.Version);
            var now = context.Time.GetUtcNow().ToUnixTimeMilliseconds();
            for (var i = 0; i < events.Count; i++)
            {
                var pdu = events[i].Pdu;
                var json = ClientEventFormatter.ToClientEvent(pdu.Json, pdu.EventId, after.RoomId, null);
                var senderLevel = powerLevels.UserLevel(pdu.Sender);
                var fields = new PushEventFields(json);
                foreach (var userId in candidates)
                {
                    if (userId == pdu.Sender) continue;
                    var displayName = state.GetValueOrDefault(new StateKey(EventTypes.Member, userId))?.Content["displayname"] is JsonValue name
                        && name.TryGetValue(out string? n) ? n : null;
                    var input = new PushEvaluationInput(json, userId, joined.Count, displayName, senderLevel, powerLevels.NotificationLevel) { Fields = fields };
                    var result = PushRuleEvaluator.Evaluate(ruleSets[userId], input);
                    if (!result.Notify) continue;
                    notified.Add((i, new PushActionRow
                    {
                        UserId = userId, EventId = pdu.EventId, RoomId = after.RoomId, ActionsJson = result.Actions.ToJsonString(),
                        Highlight = result.Highlight, Ts = now,
                    }));
                }
            }
        }
        var readBySending = events.Select((e, i) => (i, e.Pdu.Sender)).Where(r => r.Sender.EndsWith(suffix, StringComparison.Ordinal)).ToList();
        return new PushOutcome(notified, readBySending);
    }

    /// <summary>The room's joined members once a batch is in, from those before it (a local batch is evaluated before it is stored).</summary>
    private static void ApplyMemberships(HashSet<string> joined, IReadOnlyList<NewEvent> events)
    {
        foreach (var (pdu, _, _) in events)
        {
            if (pdu.Type != EventTypes.Member || pdu.StateKey is not { } target) continue;
            if (pdu.Content["membership"] is JsonValue m && m.TryGetValue(out string? membership) && membership == Membership.Join) joined.Add(target);
            else joined.Remove(target);
        }
    }

    /// <summary>The power levels, create and candidates' member events of the room after the batch, from the cache or one query.</summary>
    private async Task<Dictionary<StateKey, Pdu>> StateEventsAsync(RoomSnapshot after, IEnumerable<string> users, CancellationToken ct)
    {
        var keys = users.Select(u => new StateKey(EventTypes.Member, u)).Append(new StateKey(EventTypes.PowerLevels, "")).Append(new StateKey(EventTypes.Create, ""));
        var result = new Dictionary<StateKey, Pdu>();
        var missing = new Dictionary<string, StateKey>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (!after.State.TryGetValue(key, out var eventId)) continue;
            if (context.Events.TryGet(eventId, out var pdu)) result[key] = pdu;
            else missing[eventId] = key;
        }
        if (missing.Count > 0)
        {
            foreach (var row in await rooms.EventRowsAsync(missing.Keys.ToList(), ct))
                result[missing[row.EventId]] = RoomStore.ToPdu(row, after.Version);
        }
        return result;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Push rule evaluation failed for new events in {RoomId}")]
    private static partial void LogFailed(ILogger logger, Exception exception, string roomId);
}
