using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;

namespace Messenger.Federation.Protocol.Auth;

public static partial class EventAuthorizer
{
    /// <summary>Rule 4 (v1–5: 5; v12: 5): <c>m.room.member</c>, by membership.</summary>
    private static AuthResult AuthorizeMember(Pdu ev, RoomState state, Pdu create, PowerLevels powerLevels)
    {
        if (ev.StateKey is not { } target || ev.Content["membership"] is not JsonValue m || !m.TryGetValue(out string? membership))
            return AuthResult.Reject(AuthRule.MemberMalformed, "m.room.member needs a state key and a string membership");

        return membership switch
        {
            Membership.Join => AuthorizeJoin(ev, target, state, create, powerLevels),
            Membership.Invite => AuthorizeInvite(ev, target, state, powerLevels),
            Membership.Leave => AuthorizeLeave(ev, target, state, powerLevels),
            Membership.Ban => AuthorizeBan(ev, target, state, powerLevels),
            Membership.Knock when ev.RoomVersion.Knocking => AuthorizeKnock(ev, target, state),
            _ => AuthResult.Reject(AuthRule.MembershipUnknown, $"membership '{membership}' is not known in room version {ev.RoomVersion.Id}"),
        };
    }

    private static AuthResult AuthorizeJoin(Pdu ev, string target, RoomState state, Pdu create, PowerLevels powerLevels)
    {
        var version = ev.RoomVersion;
        // The creator's own first join, right after the create event.
        if (ev.PrevEventIds.Count == 1 && ev.PrevEventIds[0] == create.EventId
            && string.Equals(target, RoomCreators.Creator(create), StringComparison.Ordinal))
            return state.Allow();

        if (!string.Equals(ev.Sender, target, StringComparison.Ordinal))
            return AuthResult.Reject(AuthRule.JoinNotSelf, $"{ev.Sender} cannot join {target} to the room");

        var current = state.Membership(target);
        if (current == Membership.Ban) return AuthResult.Reject(AuthRule.JoinBanned, $"{target} is banned from the room");
        var invitedOrJoined = current is Membership.Invite or Membership.Join;

        var joinRule = state.JoinRule();
        if (joinRule == JoinRules.Invite || (version.Knocking && joinRule == JoinRules.Knock))
        {
            return invitedOrJoined
                ? state.Allow()
                : AuthResult.Reject(AuthRule.JoinNotInvited, $"join rule is {joinRule} and {target} is not invited");
        }

        if ((version.RestrictedJoins && joinRule == JoinRules.Restricted) || (version.KnockRestrictedJoins && joinRule == JoinRules.KnockRestricted))
        {
            if (invitedOrJoined) return state.Allow();
            var authoriser = ev.Content["join_authorised_via_users_server"] is JsonValue a && a.TryGetValue(out string? id) ? id : null;
            if (authoriser is null)
                return AuthResult.Reject(AuthRule.JoinNotAuthorised, "restricted join without join_authorised_via_users_server");
            if (state.Membership(authoriser) != Membership.Join)
                return AuthResult.Reject(AuthRule.JoinNotAuthorised, $"authorising user {authoriser} is not joined");
            if (powerLevels.UserLevel(authoriser) < powerLevels.Invite)
                return AuthResult.Reject(AuthRule.JoinNotAuthorised, $"authorising user {authoriser} may not invite");
            return state.Allow();
        }

        if (joinRule == JoinRules.Public) return state.Allow();
        return AuthResult.Reject(AuthRule.JoinRuleForbids, $"join rule '{joinRule}' does not admit {target}");
    }

    private static AuthResult AuthorizeInvite(Pdu ev, string target, RoomState state, PowerLevels powerLevels)
    {
        var targetMembership = state.Membership(target);
        if (ev.Content.ContainsKey("third_party_invite")) return AuthorizeThirdPartyInvite(ev, target, targetMembership, state);

        if (state.Membership(ev.Sender) != Membership.Join)
            return AuthResult.Reject(AuthRule.InviteSenderNotJoined, $"{ev.Sender} is not joined, so cannot invite");
        if (targetMembership is Membership.Join or Membership.Ban)
            return AuthResult.Reject(AuthRule.InviteTargetJoinedOrBanned, $"{target} is already {targetMembership}");
        var senderLevel = powerLevels.UserLevel(ev.Sender);
        return senderLevel >= powerLevels.Invite
            ? state.Allow()
            : AuthResult.Reject(AuthRule.InviteLevelTooLow, $"{ev.Sender} has level {senderLevel}, inviting needs {powerLevels.Invite}");
    }

    /// <summary>Invite 1: an invite that redeems an <c>m.room.third_party_invite</c> through its signed block.</summary>
    private static AuthResult AuthorizeThirdPartyInvite(Pdu ev, string target, string? targetMembership, RoomState state)
    {
        if (targetMembership == Membership.Ban)
            return AuthResult.Reject(AuthRule.ThirdPartyInviteTargetBanned, $"{target} is banned from the room");
        if (ev.Content["third_party_invite"] is not JsonObject invite || invite["signed"] is not JsonObject signed)
            return AuthResult.Reject(AuthRule.ThirdPartyInviteMalformed, "third_party_invite has no signed object");
        if (signed["mxid"] is not JsonValue mv || !mv.TryGetValue(out string? mxid) || signed["token"] is not JsonValue tv || !tv.TryGetValue(out string? token))
            return AuthResult.Reject(AuthRule.ThirdPartyInviteMalformed, "third_party_invite.signed needs string mxid and token");
        if (!string.Equals(mxid, target, StringComparison.Ordinal))
            return AuthResult.Reject(AuthRule.ThirdPartyInviteMxidMismatch, $"signed mxid {mxid} is not the invited user {target}");
        var thirdPartyInvite = state.Get(EventTypes.ThirdPartyInvite, token);
        if (thirdPartyInvite is null)
            return AuthResult.Reject(AuthRule.ThirdPartyInviteNotFound, $"no m.room.third_party_invite with token {token}");
        if (!string.Equals(thirdPartyInvite.Sender, ev.Sender, StringComparison.Ordinal))
            return AuthResult.Reject(AuthRule.ThirdPartyInviteSenderMismatch, $"{ev.Sender} did not send the third-party invite {token}");
        return ThirdPartyInviteSignature.VerifiesWithAnyKey(signed, thirdPartyInvite.Content)
            ? state.Allow()
            : AuthResult.Reject(AuthRule.ThirdPartyInviteBadSignature, "no signature of the signed block matches a public key of the third-party invite");
    }

    private static AuthResult AuthorizeLeave(Pdu ev, string target, RoomState state, PowerLevels powerLevels)
    {
        var targetMembership = state.Membership(target);
        if (string.Equals(ev.Sender, target, StringComparison.Ordinal))
        {
            var member = targetMembership is Membership.Invite or Membership.Join
                || (ev.RoomVersion.Knocking && targetMembership == Membership.Knock);
            return member
                ? state.Allow()
                : AuthResult.Reject(AuthRule.LeaveNotMember, $"{target} cannot leave from membership '{targetMembership ?? "none"}'");
        }

        if (state.Membership(ev.Sender) != Membership.Join)
            return AuthResult.Reject(AuthRule.LeaveSenderNotJoined, $"{ev.Sender} is not joined, so cannot kick or unban");
        var senderLevel = powerLevels.UserLevel(ev.Sender);
        if (targetMembership == Membership.Ban && senderLevel < powerLevels.Ban)
            return AuthResult.Reject(AuthRule.UnbanLevelTooLow, $"{ev.Sender} has level {senderLevel}, unbanning needs {powerLevels.Ban}");
        var targetLevel = powerLevels.UserLevel(target);
        if (senderLevel >= powerLevels.Kick && targetLevel < senderLevel) return state.Allow();
        return AuthResult.Reject(AuthRule.KickNotPermitted,
            $"{ev.Sender} (level {senderLevel}) cannot remove {target} (level {targetLevel}); kicking needs {powerLevels.Kick}");
    }

    private static AuthResult AuthorizeBan(Pdu ev, string target, RoomState state, PowerLevels powerLevels)
    {
        if (state.Membership(ev.Sender) != Membership.Join)
            return AuthResult.Reject(AuthRule.BanSenderNotJoined, $"{ev.Sender} is not joined, so cannot ban");
        var senderLevel = powerLevels.UserLevel(ev.Sender);
        var targetLevel = powerLevels.UserLevel(target);
        if (senderLevel >= powerLevels.Ban && targetLevel < senderLevel) return state.Allow();
        return AuthResult.Reject(AuthRule.BanNotPermitted,
            $"{ev.Sender} (level {senderLevel}) cannot ban {target} (level {targetLevel}); banning needs {powerLevels.Ban}");
    }

    /// <summary>v7+ knock rule.</summary>
    private static AuthResult AuthorizeKnock(Pdu ev, string target, RoomState state)
    {
        var joinRule = state.JoinRule();
        if (joinRule != JoinRules.Knock && !(ev.RoomVersion.KnockRestrictedJoins && joinRule == JoinRules.KnockRestricted))
            return AuthResult.Reject(AuthRule.KnockJoinRule, $"join rule '{joinRule}' does not allow knocking");
        if (!string.Equals(ev.Sender, target, StringComparison.Ordinal))
            return AuthResult.Reject(AuthRule.KnockNotSelf, $"{ev.Sender} cannot knock for {target}");
        var current = state.Membership(target);
        return current is Membership.Ban or Membership.Invite or Membership.Join
            ? AuthResult.Reject(AuthRule.KnockMembership, $"{target} is already {current}")
            : state.Allow();
    }
}
