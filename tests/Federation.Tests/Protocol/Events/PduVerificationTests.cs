using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.Keys;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Federation.Protocol.Signing;
using Xunit;

namespace Messenger.Federation.Tests.Protocol.Events;

/// <summary>"Validating hashes and signatures on received events" and steps 2–3 of "Checks performed on receipt of a PDU".</summary>
public class PduVerificationTests
{
    public static TheoryData<string> Versions => new(RoomVersions.All.Select(v => v.Id));

    private static Pdu Received(JsonObject json, RoomVersion version)
    {
        var parsed = PduFormat.Parse(json, version);
        Assert.True(parsed.IsSuccess, parsed.Error);
        return parsed.Value;
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Correctly_signed_event_is_valid(string id)
    {
        var version = RoomVersions.Find(id)!;
        var pdu = Received(SampleEvents.MessageJson(version), version);

        var result = PduVerification.Verify(pdu, SampleEvents.Keys);

        Assert.Equal(PduVerdict.Valid, result.Verdict);
        Assert.Same(pdu, result.Pdu);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Changed_content_keeps_the_signature_but_fails_the_hash_so_the_event_is_redacted(string id)
    {
        var version = RoomVersions.Find(id)!;
        var json = SampleEvents.MessageJson(version);
        json["content"]!["body"] = "tampered";

        var result = PduVerification.Verify(Received(json, version), SampleEvents.Keys);

        Assert.Equal(PduVerdict.Redacted, result.Verdict);
        Assert.Empty(result.Pdu!.Content);
        Assert.Equal(EventIds.Compute(json, version).Value, result.Pdu.EventId);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Forged_essential_field_breaks_the_signature_and_the_event_is_dropped(string id)
    {
        var version = RoomVersions.Find(id)!;
        var json = SampleEvents.MessageJson(version);
        json["depth"] = 13;

        var result = PduVerification.Verify(Received(json, version), SampleEvents.Keys);

        Assert.Equal(PduVerdict.Dropped, result.Verdict);
        Assert.Null(result.Pdu);
        Assert.Contains("Invalid", result.Reason);
    }

    [Fact]
    public void Event_signed_with_another_key_under_the_same_id_is_dropped()
    {
        var version = RoomVersions.V10;
        using var impostor = ServerSigningKey.FromSeed(SampleEvents.Key.Version, new byte[32]);
        var json = PduBuilder.Build(SampleEvents.Message(version), version, SampleEvents.Server, impostor).Value!.Json;

        var result = PduVerification.Verify(Received(json, version), SampleEvents.Keys);

        Assert.Equal(PduVerdict.Dropped, result.Verdict);
    }

    [Fact]
    public void Event_without_the_sender_servers_signature_is_dropped()
    {
        var version = RoomVersions.V11;
        var json = SampleEvents.MessageJson(version);
        json["signatures"] = new JsonObject { ["other.example"] = json["signatures"]![SampleEvents.Server]!.DeepClone() };

        var result = PduVerification.Verify(Received(json, version), SampleEvents.Keys);

        Assert.Equal(PduVerdict.Dropped, result.Verdict);
        Assert.Contains("Missing", result.Reason);
    }

    [Fact]
    public void Event_signed_by_an_unknown_key_is_dropped()
    {
        var version = RoomVersions.V11;
        var pdu = Received(SampleEvents.MessageJson(version), version);

        Assert.Equal(PduVerdict.Dropped, PduVerification.Verify(pdu, (_, _) => null).Verdict);
    }

    [Theory]
    [InlineData("4", PduVerdict.Valid)]
    [InlineData("5", PduVerdict.Dropped)]
    [InlineData("12", PduVerdict.Dropped)]
    public void Key_expired_before_origin_server_ts_counts_from_v5(string id, PduVerdict expected)
    {
        var version = RoomVersions.Find(id)!;
        var pdu = Received(SampleEvents.MessageJson(version), version);
        VerifyKeyLookup expired = (_, _) => new ServerVerifyKey(SampleEvents.Key.VerifyKey, ValidUntilTs: pdu.OriginServerTs - 1);

        Assert.Equal(expected, PduVerification.Verify(pdu, expired).Verdict);
    }

    [Fact]
    public void Version_1_event_needs_the_signature_of_its_event_id_server_too()
    {
        var version = RoomVersions.V1;
        var json = SampleEvents.MessageJson(version);
        json["sender"] = "@bob:remote.example";
        json["signatures"] = new JsonObject();
        using var remote = ServerSigningKey.FromSeed("r", Enumerable.Repeat((byte)9, 32).ToArray());
        VerifyKeyLookup keys = (server, keyId) => server == "remote.example" && keyId == remote.KeyId ? new ServerVerifyKey(remote.VerifyKey) : SampleEvents.Keys(server, keyId);
        EventSigning.HashAndSign(json, version, "remote.example", remote);
        var pdu = Received(json, version);

        Assert.Equal(["remote.example", "origin.example"], PduSignatures.RequiredServers(pdu));
        Assert.Equal(PduVerdict.Dropped, PduVerification.Verify(pdu, keys).Verdict);

        EventSigning.HashAndSign(json, version, SampleEvents.Server, SampleEvents.Key);
        Assert.Equal(PduVerdict.Valid, PduVerification.Verify(Received(json, version), keys).Verdict);
    }

    [Fact]
    public void From_v3_only_the_sender_server_must_sign()
    {
        var pdu = Received(SampleEvents.MessageJson(RoomVersions.V3), RoomVersions.V3);

        Assert.Equal(["origin.example"], PduSignatures.RequiredServers(pdu));
    }

    [Fact]
    public void Third_party_invite_may_be_sent_by_another_server()
    {
        var version = RoomVersions.V10;
        var draft = SampleEvents.Message(version) with
        {
            Type = EventTypes.Member, StateKey = "@carol:origin.example", Sender = "@alice:third.example",
            Content = new JsonObject { ["membership"] = "invite", ["third_party_invite"] = new JsonObject { ["signed"] = new JsonObject() } },
        };

        var pdu = SampleEvents.Build(draft, version);

        Assert.Empty(PduSignatures.RequiredServers(pdu));
        Assert.True(PduSignatures.IsSignedBy(pdu, SampleEvents.Server, SampleEvents.Keys));
        Assert.False(PduSignatures.IsSignedBy(pdu, "third.example", SampleEvents.Keys));
    }
}
