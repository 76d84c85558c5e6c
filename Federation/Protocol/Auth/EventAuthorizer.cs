using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;

namespace Messenger.Federation.Protocol.Auth;

/// <summary>
/// The authorisation rules of every stable room version (rooms/v1 … v12 "Authorization rules"; server-server API
/// "Checks performed on receipt of a PDU", steps 4–6). The same check runs against an event's auth events, against the
/// state before it and against the current state; the caller chooses which state to pass.
/// Version differences come only from <see cref="RoomVersion"/> flags. Bad content is a rejection, never an exception.
/// </summary>
/// <remarks>
/// Not checked here, because they need more than the state: the auth events' own rejection (rule 2.3, the caller knows
/// which events it rejected), the auth events' shape (duplicates, unexpected entries: <see cref="AuthEventSelector.Check"/>),
/// and v8+ rule 4.2, the signature of the server of <c>join_authorised_via_users_server</c>
/// (<see cref="AuthEventSelector.AuthorisingServer"/> names it for the signature checks).
/// </remarks>
public static partial class EventAuthorizer
{
    /// <summary>
    /// Authorises <paramref name="ev"/> against <paramref name="authState"/>: its auth events, or the room state before it.
    /// In room version 12 the create event is not among the auth events, yet the rules read it: include it in
    /// <paramref name="authState"/> (the state before an event always holds it; see <see cref="AuthEventSelector.ToAuthState"/>).
    /// </summary>
    public static AuthResult Authorize(Pdu ev, IReadOnlyDictionary<StateKey, Pdu> authState)
    {
        if (ev.Type == EventTypes.Create) return AuthorizeCreate(ev);

        var version = ev.RoomVersion;
        var state = new RoomState(authState, ev);
        var create = state.Get(EventTypes.Create, "");
        if (version.RoomIdFromCreateEvent)
        {
            if (create is null || !IsRoomIdOf(ev.RoomId, create.EventId))
                return AuthResult.Reject(AuthRule.RoomIdNotFromCreate, $"room id {ev.RoomId} is not the id of a known m.room.create event");
        }
        else if (create is null)
        {
            return AuthResult.Reject(AuthRule.NoCreateEvent, "no m.room.create event among the auth events");
        }

        if (create.Content["m.federate"] is JsonValue federate && federate.TryGetValue(out bool federates) && !federates
            && !UserIdSyntax.Domain(ev.Sender).SequenceEqual(UserIdSyntax.Domain(create.Sender)))
            return AuthResult.Reject(AuthRule.FederationDisabled, $"the room does not federate and {ev.Sender} is not on the creator's server");

        if (version.SpecialCaseAliasesAuth && ev.Type == EventTypes.Aliases) return AuthorizeAliases(ev, state);

        var powerLevels = new PowerLevels(state.Get(EventTypes.PowerLevels, ""), create, version);
        if (ev.Type == EventTypes.Member) return AuthorizeMember(ev, state, create, powerLevels);

        if (state.Membership(ev.Sender) != Membership.Join)
            return AuthResult.Reject(AuthRule.SenderNotJoined, $"{ev.Sender} is not joined to the room");

        var senderLevel = powerLevels.UserLevel(ev.Sender);
        if (ev.Type == EventTypes.ThirdPartyInvite)
        {
            return senderLevel >= powerLevels.Invite
                ? state.Allow()
                : AuthResult.Reject(AuthRule.ThirdPartyInviteLevelTooLow, $"{ev.Sender} has level {senderLevel}, inviting needs {powerLevels.Invite}");
        }

        var required = powerLevels.EventLevel(ev.Type, ev.IsState);
        if (required > senderLevel)
            return AuthResult.Reject(AuthRule.EventLevelTooLow, $"{ev.Type} needs level {required}, {ev.Sender} has {senderLevel}");

        if (ev.StateKey is { Length: > 0 } key && key[0] == '@' && !string.Equals(key, ev.Sender, StringComparison.Ordinal))
            return AuthResult.Reject(AuthRule.StateKeyOfOtherUser, $"state key {key} belongs to another user than {ev.Sender}");

        if (ev.Type == EventTypes.PowerLevels && ev.IsState) return AuthorizePowerLevels(ev, state, create, powerLevels, senderLevel);

        if (version.RedactionAuthByEventIdDomain && ev.Type == EventTypes.Redaction) return AuthorizeRedaction(ev, state, powerLevels, senderLevel);

        return state.Allow();
    }

    /// <summary>Rule 1: <c>m.room.create</c>, judged on its own since it has no state before it.</summary>
    private static AuthResult AuthorizeCreate(Pdu ev)
    {
        var version = ev.RoomVersion;
        if (ev.PrevEventIds.Count > 0)
            return AuthResult.Reject(AuthRule.CreateHasPrevEvents, "an m.room.create event has no prev_events");
        if (ev.StateKey != "")
            return AuthResult.Reject(AuthRule.CreateStateKeyNotEmpty, "the state key of m.room.create is the empty string");

        if (version.RoomIdFromCreateEvent)
        {
            if (ev.Json.ContainsKey("room_id"))
                return AuthResult.Reject(AuthRule.CreateHasRoomId, "in this room version the create event has no room_id; the room id is derived from its event id");
        }
        else
        {
            var roomDomain = UserIdSyntax.Domain(ev.RoomId);
            if (roomDomain.IsEmpty || !roomDomain.SequenceEqual(UserIdSyntax.Domain(ev.Sender)))
                return AuthResult.Reject(AuthRule.CreateRoomIdDomain, $"room id {ev.RoomId} is not on the server of {ev.Sender}");
        }

        if (ev.Content.TryGetPropertyValue("room_version", out var roomVersion)
            && !(roomVersion is JsonValue v && v.TryGetValue(out string? id) && RoomVersions.RoomVersions.Find(id) is not null))
            return AuthResult.Reject(AuthRule.CreateUnknownRoomVersion, $"room_version {roomVersion?.ToJsonString() ?? "null"} is not a recognised room version");

        if (version.PrivilegedCreators && ev.Content.TryGetPropertyValue("additional_creators", out var additional) && !AreUserIds(additional))
            return AuthResult.Reject(AuthRule.CreateAdditionalCreatorsInvalid, "additional_creators is not an array of user ids");

        if (version.CreateEventHasCreator && !ev.Content.ContainsKey("creator"))
            return AuthResult.Reject(AuthRule.CreateMissingCreator, "the content of m.room.create has no creator");

        return AuthResult.Allow;
    }

    /// <summary>v1–5 rule 4: only a server may set its own <c>m.room.aliases</c>, whether or not its users are joined.</summary>
    private static AuthResult AuthorizeAliases(Pdu ev, RoomState state)
    {
        if (ev.StateKey is null) return AuthResult.Reject(AuthRule.AliasesNoStateKey, "m.room.aliases needs a state key");
        if (!UserIdSyntax.Domain(ev.Sender).SequenceEqual(ev.StateKey))
            return AuthResult.Reject(AuthRule.AliasesDomainMismatch, $"{ev.Sender} may not set the aliases of server {ev.StateKey}");
        return state.Allow();
    }

    /// <summary>v1–2 rule 11: redact level, or a redaction of an event whose id has the redaction's own event id domain.</summary>
    private static AuthResult AuthorizeRedaction(Pdu ev, RoomState state, PowerLevels powerLevels, long senderLevel)
    {
        if (senderLevel >= powerLevels.Redact) return state.Allow();
        var redactedDomain = UserIdSyntax.Domain(ev.Redacts);
        if (!redactedDomain.IsEmpty && redactedDomain.SequenceEqual(UserIdSyntax.Domain(ev.EventId))) return state.Allow();
        return AuthResult.Reject(AuthRule.RedactionNotPermitted, $"{ev.Sender} is below the redact level and {ev.Redacts} is from another server");
    }

    /// <summary>v12: the room id is the create event's id with <c>!</c> instead of <c>$</c> (appendices "Room IDs").</summary>
    internal static bool IsRoomIdOf(string roomId, string createEventId) =>
        roomId.Length > 1 && roomId[0] == '!' && createEventId.Length == roomId.Length && createEventId[0] == '$'
        && roomId.AsSpan(1).SequenceEqual(createEventId.AsSpan(1));

    private static bool AreUserIds(JsonNode? node)
    {
        if (node is not JsonArray array) return false;
        foreach (var item in array)
        {
            if (item is not JsonValue v || !v.TryGetValue(out string? id) || !UserIdSyntax.IsValid(id)) return false;
        }
        return true;
    }
}
