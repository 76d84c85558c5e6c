using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;

namespace Messenger.Federation.Protocol.Auth;

/// <summary>
/// Which state an event's <c>auth_events</c> reference (server-server API "Auth events selection"), and the check that a
/// received event's <c>auth_events</c> are exactly such entries (auth rule 2.1, 2.2, 2.4, 2.5; v12: 3.1, 3.2, 3.5).
/// </summary>
public static class AuthEventSelector
{
    /// <summary>
    /// The (type, state_key) pairs whose current events a new event must reference, each "if any" in the state:
    /// the create event (not in v12, where the room id implies it), the power levels, the sender's membership, and for
    /// <c>m.room.member</c> the target's membership, the join rules (join, invite, knock), the third-party invite its
    /// signed token names, and the membership of <c>join_authorised_via_users_server</c> (restricted joins, v8+).
    /// </summary>
    public static IReadOnlyList<StateKey> Select(RoomVersion version, string type, string sender, string? stateKey, JsonObject content)
    {
        if (type == EventTypes.Create) return [];
        var keys = new List<StateKey>(6);
        if (!version.RoomIdFromCreateEvent) keys.Add(new StateKey(EventTypes.Create, ""));
        keys.Add(new StateKey(EventTypes.PowerLevels, ""));
        keys.Add(new StateKey(EventTypes.Member, sender));
        if (type != EventTypes.Member || stateKey is null) return keys;

        AddOnce(keys, new StateKey(EventTypes.Member, stateKey));
        var membership = content["membership"] is JsonValue m && m.TryGetValue(out string? value) ? value : null;
        if (membership is Membership.Join or Membership.Invite or Membership.Knock)
            keys.Add(new StateKey(EventTypes.JoinRules, ""));
        if (membership == Membership.Invite && content["third_party_invite"] is JsonObject invite
            && invite["signed"] is JsonObject signed && signed["token"] is JsonValue t && t.TryGetValue(out string? token))
            keys.Add(new StateKey(EventTypes.ThirdPartyInvite, token));
        if (membership == Membership.Join && version.RestrictedJoins && AuthorisingUser(content) is { } authoriser)
            AddOnce(keys, new StateKey(EventTypes.Member, authoriser));
        return keys;
    }

    /// <inheritdoc cref="Select(RoomVersion, string, string, string?, JsonObject)"/>
    public static IReadOnlyList<StateKey> Select(Pdu ev) => Select(ev.RoomVersion, ev.Type, ev.Sender, ev.StateKey, ev.Content);

    /// <summary>
    /// Checks a received event's auth events, given as the events its <c>auth_events</c> names (in order, repeats kept):
    /// no (type, state_key) twice, none the selection would not choose, the create event present (v1–11), all from the
    /// event's room. Whether an auth event was itself rejected (rule 2.3) is the caller's knowledge and check.
    /// </summary>
    public static AuthResult Check(Pdu ev, IReadOnlyList<Pdu> authEvents)
    {
        var allowed = Select(ev);
        var seen = new HashSet<StateKey>();
        var hasCreate = false;
        foreach (var authEvent in authEvents)
        {
            if (authEvent.StateTuple is not { } key)
                return AuthResult.Reject(AuthRule.AuthEventsUnexpected, $"auth event {authEvent.EventId} is not a state event");
            if (!seen.Add(key))
                return AuthResult.Reject(AuthRule.AuthEventsDuplicate, $"auth events name {key} twice");
            if (!allowed.Contains(key))
                return AuthResult.Reject(AuthRule.AuthEventsUnexpected, $"auth event {authEvent.EventId} {key} is not one the event may cite");
            if (!string.Equals(authEvent.RoomId, ev.RoomId, StringComparison.Ordinal))
                return AuthResult.Reject(AuthRule.AuthEventsOtherRoom, $"auth event {authEvent.EventId} belongs to room {authEvent.RoomId}, not {ev.RoomId}");
            hasCreate |= key.Type == EventTypes.Create;
        }
        if (ev.Type != EventTypes.Create && !ev.RoomVersion.RoomIdFromCreateEvent && !hasCreate)
            return AuthResult.Reject(AuthRule.NoCreateEvent, "no m.room.create event among the auth events");
        return AuthResult.Allow;
    }

    /// <summary>
    /// The state to authorise an event against its auth events: the auth events by (type, state_key), plus in v12 the
    /// create event the room id names, which the rules read but <c>auth_events</c> no longer cite. Call <see cref="Check"/> first.
    /// </summary>
    public static Dictionary<StateKey, Pdu> ToAuthState(IReadOnlyList<Pdu> authEvents, Pdu? createEvent = null)
    {
        var state = new Dictionary<StateKey, Pdu>(authEvents.Count + 1);
        foreach (var authEvent in authEvents)
        {
            if (authEvent.StateTuple is { } key) state[key] = authEvent;
        }
        if (createEvent is not null) state[new StateKey(EventTypes.Create, "")] = createEvent;
        return state;
    }

    /// <summary>
    /// v8+ rule 4.2: a join naming <c>join_authorised_via_users_server</c> must be signed by that user's server.
    /// Signatures need keys, so the signature checks (not <see cref="EventAuthorizer"/>) verify it; this names the server.
    /// Null when the rule does not apply.
    /// </summary>
    public static string? AuthorisingServer(Pdu ev)
    {
        if (!ev.RoomVersion.RestrictedJoins || ev.Type != EventTypes.Member || AuthorisingUser(ev.Content) is not { } user) return null;
        var colon = user.IndexOf(':');
        return colon < 0 ? user : user[(colon + 1)..];
    }

    private static string? AuthorisingUser(JsonObject content) =>
        content["join_authorised_via_users_server"] is JsonValue v && v.TryGetValue(out string? user) ? user : null;

    private static void AddOnce(List<StateKey> keys, StateKey key)
    {
        if (!keys.Contains(key)) keys.Add(key);
    }
}
