namespace Messenger.Federation.Protocol.Auth;

/// <summary>
/// Which authorisation rule rejected an event. The spec numbers its rules differently per room version
/// (rooms/v1 … v12 "Authorization rules"), so these are names, each documented with the rule it stands for.
/// </summary>
public enum AuthRule
{
    /// <summary>Not rejected.</summary>
    None,

    /// <summary>Create 1.1: an <c>m.room.create</c> event has <c>prev_events</c>.</summary>
    CreateHasPrevEvents,
    /// <summary>Create 1.2 (v1–11): the <c>room_id</c> domain differs from the sender's domain.</summary>
    CreateRoomIdDomain,
    /// <summary>Create 1.2 (v12): the create event carries a <c>room_id</c> (the room id is derived from its event id).</summary>
    CreateHasRoomId,
    /// <summary>Create 1.3: <c>content.room_version</c> is present and not a recognised version.</summary>
    CreateUnknownRoomVersion,
    /// <summary>Create 1.4 (v12): <c>additional_creators</c> is not an array of valid user ids.</summary>
    CreateAdditionalCreatorsInvalid,
    /// <summary>Create 1.4 (v1–10): <c>content</c> has no <c>creator</c>.</summary>
    CreateMissingCreator,
    /// <summary>The <c>m.room.create</c> schema: its state key is the empty string.</summary>
    CreateStateKeyNotEmpty,

    /// <summary>Auth events 2.1 (v12: 3.1): two entries share a (type, state_key) pair.</summary>
    AuthEventsDuplicate,
    /// <summary>Auth events 2.2 (v12: 3.2): an entry the auth events selection would not choose.</summary>
    AuthEventsUnexpected,
    /// <summary>Auth events 2.4 (v1–11): no <c>m.room.create</c> among the auth events / state.</summary>
    NoCreateEvent,
    /// <summary>Auth events 2.5 (v12: 3.5): an auth event belongs to another room.</summary>
    AuthEventsOtherRoom,
    /// <summary>v12 rule 2: the <c>room_id</c> is not the create event's id with the <c>!</c> sigil.</summary>
    RoomIdNotFromCreate,

    /// <summary>Rule 3 (v12: 4): <c>m.federate</c> is false and the sender is on another server than the creator.</summary>
    FederationDisabled,

    /// <summary>v1–5 rule 4.1: <c>m.room.aliases</c> without a state key.</summary>
    AliasesNoStateKey,
    /// <summary>v1–5 rule 4.2: <c>m.room.aliases</c> whose state key is not the sender's domain.</summary>
    AliasesDomainMismatch,

    /// <summary>Member 1: no state key or no string <c>membership</c>.</summary>
    MemberMalformed,
    /// <summary>Member, unknown (or, before v7, <c>knock</c>) membership value.</summary>
    MembershipUnknown,

    /// <summary>Join 2: the sender joins someone else.</summary>
    JoinNotSelf,
    /// <summary>Join 3: the sender is banned.</summary>
    JoinBanned,
    /// <summary>Join 4: invite (or knock) join rule and the sender is neither invited nor joined.</summary>
    JoinNotInvited,
    /// <summary>Join 5.2 (v8+): restricted join whose <c>join_authorised_via_users_server</c> is missing, not joined, or below the invite level.</summary>
    JoinNotAuthorised,
    /// <summary>Join 7: the join rule (private or unknown) admits nobody new.</summary>
    JoinRuleForbids,

    /// <summary>Third-party invite 1.1: the target is banned.</summary>
    ThirdPartyInviteTargetBanned,
    /// <summary>Third-party invite 1.2–1.3: no <c>signed</c> block, or it lacks <c>mxid</c>/<c>token</c>.</summary>
    ThirdPartyInviteMalformed,
    /// <summary>Third-party invite 1.4: <c>mxid</c> is not the state key.</summary>
    ThirdPartyInviteMxidMismatch,
    /// <summary>Third-party invite 1.5: no <c>m.room.third_party_invite</c> with the token as state key.</summary>
    ThirdPartyInviteNotFound,
    /// <summary>Third-party invite 1.6: the invite's sender did not send the <c>m.room.third_party_invite</c>.</summary>
    ThirdPartyInviteSenderMismatch,
    /// <summary>Third-party invite 1.7–1.8: no signature in <c>signed</c> verifies with a key of the invite.</summary>
    ThirdPartyInviteBadSignature,

    /// <summary>Invite 2: the sender is not joined.</summary>
    InviteSenderNotJoined,
    /// <summary>Invite 3: the target is joined or banned.</summary>
    InviteTargetJoinedOrBanned,
    /// <summary>Invite 4–5: the sender is below the invite level.</summary>
    InviteLevelTooLow,

    /// <summary>Leave 1: a user leaves a room they are not invited to, joined (or knocking on, v7+).</summary>
    LeaveNotMember,
    /// <summary>Leave 2: the sender of a kick or unban is not joined.</summary>
    LeaveSenderNotJoined,
    /// <summary>Leave 3: unbanning below the ban level.</summary>
    UnbanLevelTooLow,
    /// <summary>Leave 4–5: kicking below the kick level, or a target at or above the sender's level.</summary>
    KickNotPermitted,

    /// <summary>Ban 1: the sender is not joined.</summary>
    BanSenderNotJoined,
    /// <summary>Ban 2–3: below the ban level, or a target at or above the sender's level.</summary>
    BanNotPermitted,

    /// <summary>Knock 1 (v7+): the join rule is not <c>knock</c> (or, v10+, <c>knock_restricted</c>).</summary>
    KnockJoinRule,
    /// <summary>Knock 2: the sender knocks for someone else.</summary>
    KnockNotSelf,
    /// <summary>Knock 3–4: the sender is already banned, invited or joined.</summary>
    KnockMembership,

    /// <summary>Rule 5 (v1–5: 6): the sender is not joined to the room.</summary>
    SenderNotJoined,
    /// <summary>Rule 6 (v1–5: 7): <c>m.room.third_party_invite</c> below the invite level.</summary>
    ThirdPartyInviteLevelTooLow,
    /// <summary>Rule 7 (v1–5: 8): the sender is below the event type's required power level.</summary>
    EventLevelTooLow,
    /// <summary>Rule 8 (v1–5: 9): a state key beginning with <c>@</c> that is not the sender.</summary>
    StateKeyOfOtherUser,

    /// <summary>Power levels 1–3: a level is not an integer (or, before v10, an integer string), or a <c>users</c> key is no user id.</summary>
    PowerLevelsMalformed,
    /// <summary>Power levels 4 (v12): <c>users</c> lists a room creator.</summary>
    PowerLevelsListsCreator,
    /// <summary>Power levels: a change of <c>users_default</c> … <c>invite</c> beyond the sender's level.</summary>
    PowerLevelsLevelChange,
    /// <summary>Power levels: a change of an <c>events</c> (or, v6+, <c>notifications</c>) entry beyond the sender's level.</summary>
    PowerLevelsEventChange,
    /// <summary>Power levels: a change of a <c>users</c> entry at or beyond the sender's level.</summary>
    PowerLevelsUserChange,

    /// <summary>v1–2 redaction rule: below the redact level and the redacted event is from another server.</summary>
    RedactionNotPermitted,
}
