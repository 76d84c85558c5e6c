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
/// user invited by it), stores the notifications that result, and wakes the pushers of the users notified. The
/// sender's own notifications up to their event count as read ("Marking notifications as read": sending an event).
/// Rules, member profiles and power levels are loaded once per batch: a few queries, whatever the room's size.
/// </summary>
public sealed partial class EventPushProcessor(
    RoomStore rooms, PushRuleStore rules, PushActionStore actions, RoomServerContext context, PushDeliverySignal delivery, ILogger<EventPushProcessor> logger)
    : IEventPushHook
{
    public async Task OnPersistedAsync(RoomSnapshot after, IReadOnlyList<NewEvent> events, IReadOnlyList<long> streamOrderings)
    {
        try
        {
            await ProcessAsync(after, events, streamOrderings, CancellationToken.None);
        }
        catch (Exception e)
        {
            LogFailed(logger, e, after.RoomId);
        }
    }

    private async Task ProcessAsync(RoomSnapshot after, IReadOnlyList<NewEvent> events, IReadOnlyList<long> streamOrderings, CancellationToken ct)
    {
        var suffix = ":" + context.ServerName;
        var joined = await rooms.MembersAsync(after.RoomId, Membership.Join, ct);
        var candidates = new HashSet<string>(joined.Where(u => u.EndsWith(suffix, StringComparison.Ordinal)), StringComparer.Ordinal);
        foreach (var (pdu, _, _) in events)
        {
            if (pdu.Type == EventTypes.Member && pdu.StateKey is { } target && target.EndsWith(suffix, StringComparison.Ordinal)
                && pdu.Content["membership"] is JsonValue m && m.TryGetValue(out string? membership) && membership == Membership.Invite)
                candidates.Add(target);
        }

        var stored = (await rooms.EventRowsAsync(events.Select(e => e.Pdu.EventId).ToList(), ct)).ToDictionary(r => r.EventId);
        var notified = new List<PushActionRow>();
        if (candidates.Count > 0)
        {
            var ruleRows = await rules.RowsOfAsync(candidates, ct);
            var ruleSets = candidates.ToDictionary(u => u, u => PushRuleRows.ToRuleSet(u, ruleRows.GetValueOrDefault(u) ?? []), StringComparer.Ordinal);
            var state = await StateEventsAsync(after, candidates, ct);
            var powerLevels = new PowerLevels(state.GetValueOrDefault(new StateKey(EventTypes.PowerLevels, "")), state.GetValueOrDefault(new StateKey(EventTypes.Create, "")), after.Version);
            var now = context.Time.GetUtcNow().ToUnixTimeMilliseconds();
            for (var i = 0; i < events.Count; i++)
            {
                var pdu = events[i].Pdu;
                var json = ClientEventFormatter.ToClientEvent(pdu.Json, pdu.EventId, after.RoomId, null);
                var senderLevel = powerLevels.UserLevel(pdu.Sender);
                foreach (var userId in candidates)
                {
                    if (userId == pdu.Sender) continue;
                    var displayName = state.GetValueOrDefault(new StateKey(EventTypes.Member, userId))?.Content["displayname"] is JsonValue name
                        && name.TryGetValue(out string? n) ? n : null;
                    var input = new PushEvaluationInput(json, userId, joined.Count, displayName, senderLevel, powerLevels.NotificationLevel);
                    var result = PushRuleEvaluator.Evaluate(ruleSets[userId], input);
                    if (!result.Notify) continue;
                    notified.Add(new PushActionRow
                    {
                        UserId = userId, EventId = pdu.EventId, RoomId = after.RoomId, StreamOrdering = streamOrderings[i],
                        ThreadId = stored.GetValueOrDefault(pdu.EventId)?.ThreadId, ActionsJson = result.Actions.ToJsonString(),
                        Highlight = result.Highlight, Ts = now,
                    });
                }
            }
        }
        var readBySending = events.Select((e, i) => (e.Pdu.Sender, after.RoomId, streamOrderings[i], stored.GetValueOrDefault(e.Pdu.EventId)?.ThreadId ?? PushActionStore.MainThread))
            .Where(r => r.Sender.EndsWith(suffix, StringComparison.Ordinal)).ToList();
        await actions.AddAsync(notified, readBySending, ct);
        if (notified.Count > 0) delivery.Wake(notified.Select(n => n.UserId));
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
