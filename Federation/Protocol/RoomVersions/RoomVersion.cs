namespace Messenger.Federation.Protocol.RoomVersions;

/// <summary>How events of a room version carry their ids and references.</summary>
public enum EventFormat
{
    /// <summary>Room versions 1–2: <c>event_id</c> is a field; <c>prev_events</c>/<c>auth_events</c> are <c>[id, {hashes}]</c> pairs.</summary>
    V1,
    /// <summary>Room version 3: the id is <c>$</c> + standard unpadded base64 of the reference hash; references are plain ids.</summary>
    V2,
    /// <summary>Room version 4+: as V2 but URL-safe base64.</summary>
    V3,
}

/// <summary>Which state resolution algorithm a room version uses.</summary>
public enum StateResolutionAlgorithm
{
    V1,
    V2,
    /// <summary>Room version 12's revision of v2 (MSC4297): starts from an empty set for the conflicted subgraph and fewer state resets.</summary>
    V2_1,
}

/// <summary>Which redaction algorithm (the keys kept per event type) a room version uses.</summary>
public enum RedactionRules
{
    /// <summary>Versions 1–5.</summary>
    V1,
    /// <summary>Versions 6–7: <c>m.room.aliases</c> keeps nothing (MSC2432).</summary>
    V6,
    /// <summary>Version 8: <c>join_rule</c> keeps <c>allow</c>.</summary>
    V8,
    /// <summary>Versions 9–10: <c>m.room.member</c> keeps <c>join_authorised_via_users_server</c>.</summary>
    V9,
    /// <summary>Version 11+: MSC2176/MSC3821/MSC3989 (create keeps all content, power levels keep <c>invite</c>, <c>redacts</c> in content, no <c>origin</c> etc.).</summary>
    V11,
}

/// <summary>
/// One stable room version and every property in which it differs from the others.
/// Code asks these properties; it never compares version strings.
/// Source: the spec's "Room Versions" pages (rooms/v1.md … rooms/v12.md).
/// </summary>
public sealed record RoomVersion
{
    public required string Id { get; init; }
    public required EventFormat EventFormat { get; init; }
    public required StateResolutionAlgorithm StateResolution { get; init; }
    public required RedactionRules Redaction { get; init; }

    /// <summary>v5+: a signing key may only be used for events before its <c>valid_until_ts</c>.</summary>
    public bool EnforceKeyValidity { get; init; }

    /// <summary>v1–5: the special auth rule for <c>m.room.aliases</c> (only the server in the state key may send it).</summary>
    public bool SpecialCaseAliasesAuth { get; init; }

    /// <summary>
    /// v1–2: the auth rule for <c>m.room.redaction</c> (allow at the redact level, or when the redacted event's id has the
    /// redaction's event id domain, else reject). v3+ drop it: redactions pass auth like any event (rooms/v3 "Authorization rules").
    /// </summary>
    public bool RedactionAuthByEventIdDomain { get; init; }

    /// <summary>v6+: events with floats or out-of-range integers are rejected (strict canonical JSON).</summary>
    public bool StrictCanonicalJson { get; init; }

    /// <summary>v6+: the <c>notifications</c> key of power levels is checked like the others.</summary>
    public bool LimitNotificationsPowerLevels { get; init; }

    /// <summary>v7+: the <c>knock</c> join rule and membership exist.</summary>
    public bool Knocking { get; init; }

    /// <summary>v8+: the <c>restricted</c> join rule.</summary>
    public bool RestrictedJoins { get; init; }

    /// <summary>v10+: the <c>knock_restricted</c> join rule.</summary>
    public bool KnockRestrictedJoins { get; init; }

    /// <summary>v10+: power level values must be integers, not strings.</summary>
    public bool IntegerOnlyPowerLevels { get; init; }

    /// <summary>v1–10: <c>m.room.create</c> carries a <c>creator</c>; v11+ uses the sender instead.</summary>
    public bool CreateEventHasCreator { get; init; }

    /// <summary>v11+: <c>redacts</c> lives in <c>content</c> of <c>m.room.redaction</c> (the top-level copy is kept for clients).</summary>
    public bool RedactsInContent { get; init; }

    /// <summary>v12: the room id is derived from the create event's reference hash (<c>!</c> + URL-safe hash), create has no <c>room_id</c>.</summary>
    public bool RoomIdFromCreateEvent { get; init; }

    /// <summary>v12: the create event's sender and <c>additional_creators</c> have infinite power and may not be listed in power levels.</summary>
    public bool PrivilegedCreators { get; init; }

    /// <summary>v1–2 events carry <c>event_id</c>; later ones derive it from the reference hash.</summary>
    public bool EventIdInEvent => EventFormat == EventFormat.V1;
}
