using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;

namespace Messenger.Federation.Protocol.Auth;

public static partial class EventAuthorizer
{
    /// <summary>
    /// The state an event is checked against, as the rules read it. It remembers any consulted event from another room,
    /// so that no event is allowed on the strength of one (rule 2.5, v12: 3.5); rejections need no such check.
    /// </summary>
    private sealed class RoomState(IReadOnlyDictionary<StateKey, Pdu> state, Pdu ev)
    {
        private Pdu? foreign;

        public Pdu? Get(string type, string key)
        {
            if (!state.TryGetValue(new StateKey(type, key), out var found)) return null;
            // v12's create event has no room_id; rule 2 (room id derived from its event id) covers it instead.
            var exempt = type == EventTypes.Create && ev.RoomVersion.RoomIdFromCreateEvent;
            if (!exempt && !string.Equals(found.RoomId, ev.RoomId, StringComparison.Ordinal)) foreign ??= found;
            return found;
        }

        /// <summary>The user's current membership, or null when they have no member event (or it has no string membership).</summary>
        public string? Membership(string userId) => MembershipOf(Get(EventTypes.Member, userId));

        /// <summary>The current join rule; with no <c>m.room.join_rules</c> event, "invite", as Synapse assumes (the spec is silent).</summary>
        public string JoinRule() =>
            Get(EventTypes.JoinRules, "")?.Content["join_rule"] is JsonValue v && v.TryGetValue(out string? rule) ? rule : JoinRules.Invite;

        public AuthResult Allow() =>
            foreign is null
                ? AuthResult.Allow
                : AuthResult.Reject(AuthRule.AuthEventsOtherRoom, $"auth event {foreign.EventId} belongs to room {foreign.RoomId}, not {ev.RoomId}");
    }

    private static string? MembershipOf(Pdu? member) =>
        member?.Content["membership"] is JsonValue v && v.TryGetValue(out string? membership) ? membership : null;
}
