using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.Keys;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Federation.Protocol.Signing;
using Xunit;

namespace Messenger.Federation.Tests.Protocol.Events;

/// <summary>
/// A second server's signature on an event another server built ("Inviting to a room": the invited server signs the
/// invite; "Restricted rooms": the authorising server signs the join). The event id, hashes and first signature must
/// stay, and both servers' signatures must verify on the redacted event.
/// </summary>
public class CountersigningTests
{
    private const string Invited = "invited.example";
    private static readonly ServerSigningKey InvitedKey = ServerSigningKey.FromSeed("k9", Enumerable.Range(40, 32).Select(i => (byte)i).ToArray());

    public static TheoryData<string> Versions => new(RoomVersions.All.Select(v => v.Id));

    [Theory]
    [MemberData(nameof(Versions))]
    public void Added_signature_verifies_and_keeps_the_event_id_hashes_and_first_signature(string versionId)
    {
        var version = RoomVersions.Find(versionId)!;
        var invite = SampleEvents.Build(Invite(version), version);
        var json = invite.Json.DeepClone().AsObject();
        var original = invite.Json.DeepClone().AsObject();

        var result = EventSigning.AddSignature(json, version, Invited, InvitedKey);

        Assert.True(result.IsSuccess, result.Error);
        Assert.True(JsonNode.DeepEquals(original["hashes"], json["hashes"]));
        Assert.True(JsonNode.DeepEquals(original["signatures"]![SampleEvents.Server], json["signatures"]![SampleEvents.Server]));
        Assert.Equal(invite.EventId, PduFormat.Parse(json, version).Value!.EventId);
        VerifyKeyLookup both = (server, keyId) => server == Invited && keyId == InvitedKey.KeyId ? new ServerVerifyKey(InvitedKey.VerifyKey) : SampleEvents.Keys(server, keyId);
        var parsed = PduFormat.Parse(json, version).Value!;
        Assert.True(PduSignatures.IsSignedBy(parsed, Invited, both));
        Assert.True(PduSignatures.IsSignedBy(parsed, SampleEvents.Server, both));
    }

    [Fact]
    public void A_changed_event_no_longer_verifies_with_the_added_signature()
    {
        var version = RoomVersions.V11;
        var json = SampleEvents.Build(Invite(version), version).Json.DeepClone().AsObject();
        EventSigning.AddSignature(json, version, Invited, InvitedKey);
        json["state_key"] = "@mallory:invited.example";

        VerifyKeyLookup keys = (server, keyId) => server == Invited && keyId == InvitedKey.KeyId ? new ServerVerifyKey(InvitedKey.VerifyKey) : null;
        var parsed = PduFormat.Parse(json, version).Value!;
        Assert.False(PduSignatures.IsSignedBy(parsed, Invited, keys));
    }

    private static EventDraft Invite(RoomVersion version) => SampleEvents.Message(version) with
    {
        Type = EventTypes.Member,
        StateKey = "@bob:" + Invited,
        Content = new JsonObject { ["membership"] = "invite" },
    };
}
