using System.Text;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Encoding;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Tests.Protocol.Auth.Support;
using NSec.Cryptography;
using static Messenger.Federation.Tests.Protocol.Auth.Support.AuthRoomBuilder;
using Xunit;

namespace Messenger.Federation.Tests.Protocol.Auth;

/// <summary>Invite rule 1: an invite carrying <c>third_party_invite</c>, redeeming an <c>m.room.third_party_invite</c>.</summary>
public sealed class ThirdPartyInviteTests
{
    private const string Token = "abc123";

    private static readonly Key IdentityServerKey = Key.Create(SignatureAlgorithm.Ed25519);
    private static readonly Key OtherKey = Key.Create(SignatureAlgorithm.Ed25519);

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Invite_signed_by_the_identity_servers_key_is_allowed(string version)
    {
        var room = RoomWithThirdPartyInvite(version, keyInList: false);
        AuthAssert.Allowed(room.Authorize(Redeem(room, Bob, Signed(Bob, Token, IdentityServerKey))));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Key_from_the_public_keys_list_counts_too(string version)
    {
        var room = RoomWithThirdPartyInvite(version, keyInList: true);
        AuthAssert.Allowed(room.Authorize(Redeem(room, Bob, Signed(Bob, Token, IdentityServerKey))));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Signature_by_another_key_is_rejected(string version)
    {
        var room = RoomWithThirdPartyInvite(version, keyInList: false);
        AuthAssert.Rejected(AuthRule.ThirdPartyInviteBadSignature, room.Authorize(Redeem(room, Bob, Signed(Bob, Token, OtherKey))));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Signed_block_altered_after_signing_is_rejected(string version)
    {
        var room = RoomWithThirdPartyInvite(version, keyInList: false);
        var signed = Signed(Bob, Token, IdentityServerKey);
        signed["extra"] = "tampered";
        AuthAssert.Rejected(AuthRule.ThirdPartyInviteBadSignature, room.Authorize(Redeem(room, Bob, signed)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Banned_target_cannot_be_invited_by_third_party_invite(string version)
    {
        var room = RoomWithThirdPartyInvite(version, keyInList: false).Banned(Bob);
        AuthAssert.Rejected(AuthRule.ThirdPartyInviteTargetBanned, room.Authorize(Redeem(room, Bob, Signed(Bob, Token, IdentityServerKey))));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Missing_signed_block_or_its_fields_are_rejected(string version)
    {
        var room = RoomWithThirdPartyInvite(version, keyInList: false);
        var noSigned = room.Member(Alice, Bob, Membership.Invite, """{"third_party_invite":{"display_name":"b"}}""");
        AuthAssert.Rejected(AuthRule.ThirdPartyInviteMalformed, room.Authorize(noSigned));
        var noToken = Signed(Bob, Token, IdentityServerKey);
        noToken.Remove("token");
        AuthAssert.Rejected(AuthRule.ThirdPartyInviteMalformed, room.Authorize(Redeem(room, Bob, noToken)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Signed_mxid_must_be_the_invited_user(string version)
    {
        var room = RoomWithThirdPartyInvite(version, keyInList: false);
        AuthAssert.Rejected(AuthRule.ThirdPartyInviteMxidMismatch, room.Authorize(Redeem(room, Carol, Signed(Bob, Token, IdentityServerKey))));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Token_without_a_third_party_invite_event_is_rejected(string version)
    {
        var room = RoomWithThirdPartyInvite(version, keyInList: false);
        AuthAssert.Rejected(AuthRule.ThirdPartyInviteNotFound, room.Authorize(Redeem(room, Bob, Signed(Bob, "other-token", IdentityServerKey))));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Only_the_sender_of_the_third_party_invite_may_redeem_it(string version)
    {
        var room = RoomWithThirdPartyInvite(version, keyInList: false).Join(Carol);
        var invite = Redeem(room, Bob, Signed(Bob, Token, IdentityServerKey), sender: Carol);
        AuthAssert.Rejected(AuthRule.ThirdPartyInviteSenderMismatch, room.Authorize(invite));
    }

    private static AuthRoomBuilder RoomWithThirdPartyInvite(string version, bool keyInList)
    {
        var room = Created(V(version));
        var publicKey = UnpaddedBase64.Encode(IdentityServerKey.PublicKey.Export(KeyBlobFormat.RawPublicKey));
        var content = keyInList
            ? $$"""{"display_name":"b...@example.org","key_validity_url":"https://id.example/isvalid","public_key":"AAAA","public_keys":[{"public_key":"{{publicKey}}"}]}"""
            : $$"""{"display_name":"b...@example.org","key_validity_url":"https://id.example/isvalid","public_key":"{{publicKey}}"}""";
        return room.Apply(room.Event(EventTypes.ThirdPartyInvite, Alice, Token, content));
    }

    /// <summary>The identity server's <c>signed</c> block: <c>mxid</c>, <c>token</c> and an Ed25519 signature over their canonical JSON.</summary>
    private static JsonObject Signed(string mxid, string token, Key key)
    {
        // Canonical JSON of {"mxid":…,"token":…}: keys sorted, no spaces (appendices "Signing JSON").
        var canonical = $$"""{"mxid":"{{mxid}}","token":"{{token}}"}""";
        var signature = SignatureAlgorithm.Ed25519.Sign(key, Encoding.UTF8.GetBytes(canonical));
        return new JsonObject
        {
            ["mxid"] = mxid,
            ["token"] = token,
            ["signatures"] = new JsonObject { ["id.example"] = new JsonObject { ["ed25519:0"] = UnpaddedBase64.Encode(signature) } },
        };
    }

    private static Pdu Redeem(AuthRoomBuilder room, string target, JsonObject signed, string sender = Alice)
    {
        var content = new JsonObject { ["display_name"] = "b", ["signed"] = signed };
        return room.Member(sender, target, Membership.Invite, new JsonObject { ["third_party_invite"] = content }.ToJsonString());
    }
}
