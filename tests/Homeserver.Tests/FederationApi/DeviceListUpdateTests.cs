using System.Text.Json.Nodes;
using Messenger.Homeserver.FederationApi.Edus;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>
/// The pure parts of device lists over federation ("Device Management"): reading and writing
/// <c>m.device_list_update</c>, the decision to apply, ignore or resynchronise, and reading a <c>/user/devices</c> answer.
/// </summary>
public sealed class DeviceListUpdateTests
{
    private const string Bob = "@bob:b.example";

    private static JsonObject Content(long streamId, params long[] prev) => new()
    {
        ["user_id"] = Bob, ["device_id"] = "PHONE", ["stream_id"] = streamId, ["prev_id"] = new JsonArray([.. prev.Select(p => (JsonNode)p)]),
        ["deleted"] = false,
    };

    [Fact]
    public void Parses_the_spec_example_fields()
    {
        var content = Content(6, 5);
        content["device_display_name"] = "Mobile";
        content["keys"] = new JsonObject { ["user_id"] = Bob, ["device_id"] = "PHONE", ["algorithms"] = new JsonArray("m.olm.v1.curve25519-aes-sha2") };
        var update = DeviceListUpdate.Parse(content)!;
        Assert.Equal((Bob, "PHONE", 6L, false, "Mobile"), (update.UserId, update.DeviceId, update.StreamId, update.Deleted, update.DisplayName));
        Assert.Equal([5L], update.PrevIds);
        Assert.NotNull(update.Keys);
    }

    [Fact]
    public void Prev_id_and_deleted_may_be_missing()
    {
        var update = DeviceListUpdate.Parse(new JsonObject { ["user_id"] = Bob, ["device_id"] = "PHONE", ["stream_id"] = 1L })!;
        Assert.Empty(update.PrevIds);
        Assert.False(update.Deleted);
        Assert.Null(update.Keys);
    }

    [Theory]
    [InlineData("user_id")]
    [InlineData("device_id")]
    [InlineData("stream_id")]
    public void A_required_field_missing_is_refused(string field)
    {
        var content = Content(2, 1);
        content.Remove(field);
        Assert.Null(DeviceListUpdate.Parse(content));
    }

    [Fact]
    public void Wrong_types_and_keys_of_another_device_are_refused()
    {
        var badPrev = Content(2);
        badPrev["prev_id"] = new JsonArray("1");
        var badDeleted = Content(2);
        badDeleted["deleted"] = "yes";
        var otherDevice = Content(2);
        otherDevice["keys"] = new JsonObject { ["user_id"] = Bob, ["device_id"] = "LAPTOP" };
        var otherUser = Content(2);
        otherUser["keys"] = new JsonObject { ["user_id"] = "@eve:b.example", ["device_id"] = "PHONE" };
        var numericUser = Content(2);
        numericUser["user_id"] = 7;
        Assert.All(new[] { badPrev, badDeleted, otherDevice, otherUser, numericUser }, c => Assert.Null(DeviceListUpdate.Parse(c)));
    }

    [Fact]
    public void Writes_what_it_reads()
    {
        var update = new DeviceListUpdate(Bob, "PHONE", 9, [7], Deleted: true, null, "Mobile");
        var read = DeviceListUpdate.Parse(update.ToJson())!;
        Assert.Equal(update, read with { PrevIds = update.PrevIds });
        Assert.Equal(update.PrevIds, read.PrevIds);
        Assert.Equal("""{"user_id":"@bob:b.example","device_id":"PHONE","stream_id":9,"prev_id":[7],"deleted":true,"device_display_name":"Mobile"}""",
            update.ToJson().ToJsonString());
    }

    [Theory]
    [InlineData(null, 6L, new long[] { 5 }, DeviceListVerdict.Resync)]    // nothing held: fetch the whole list
    [InlineData(5L, 6L, new long[] { 5 }, DeviceListVerdict.Apply)]       // follows what we hold
    [InlineData(5L, 6L, new long[0], DeviceListVerdict.Apply)]            // first of a sequence
    [InlineData(5L, 7L, new long[] { 6 }, DeviceListVerdict.Resync)]      // update 6 was lost
    [InlineData(5L, 8L, new long[] { 4, 6 }, DeviceListVerdict.Resync)]   // one unknown prev is enough
    [InlineData(5L, 8L, new long[] { 3, 5 }, DeviceListVerdict.Apply)]    // all seen
    [InlineData(5L, 5L, new long[] { 4 }, DeviceListVerdict.Ignore)]      // a repeat
    [InlineData(9L, 6L, new long[] { 5 }, DeviceListVerdict.Ignore)]      // older than a resync we did
    public void Judges_against_the_stream_id_held(long? held, long streamId, long[] prev, DeviceListVerdict expected) =>
        Assert.Equal(expected, DeviceListUpdate.Parse(Content(streamId, prev))!.Judge(held));

    [Fact]
    public void A_user_devices_answer_becomes_the_cached_list()
    {
        var answer = new JsonObject
        {
            ["user_id"] = Bob,
            ["stream_id"] = 12L,
            ["devices"] = new JsonArray(
                new JsonObject { ["device_id"] = "PHONE", ["device_display_name"] = "Mobile", ["keys"] = new JsonObject { ["user_id"] = Bob, ["device_id"] = "PHONE" } },
                new JsonObject { ["device_id"] = "NOKEYS" },
                new JsonObject { ["device_id"] = "FORGED", ["keys"] = new JsonObject { ["user_id"] = Bob, ["device_id"] = "OTHER" } }),
            ["master_key"] = new JsonObject { ["user_id"] = Bob, ["usage"] = new JsonArray("master") },
            ["self_signing_key"] = new JsonObject { ["user_id"] = "@eve:b.example", ["usage"] = new JsonArray("self_signing") },
        };
        var snapshot = RemoteDeviceListSnapshot.Parse(Bob, answer, now: 1000)!;
        Assert.Equal(12, snapshot.List.StreamId);
        Assert.False(snapshot.List.Stale);
        Assert.NotNull(snapshot.List.MasterKeyJson);
        Assert.Null(snapshot.List.SelfSigningKeyJson);
        Assert.Equal(["NOKEYS", "PHONE"], snapshot.Devices.Select(d => d.DeviceId).Order(StringComparer.Ordinal));
        Assert.Equal("Mobile", snapshot.Devices.Single(d => d.DeviceId == "PHONE").DisplayName);
        Assert.Null(snapshot.Devices.Single(d => d.DeviceId == "NOKEYS").KeysJson);
    }

    [Fact]
    public void A_user_devices_answer_about_someone_else_or_without_stream_id_is_refused()
    {
        Assert.Null(RemoteDeviceListSnapshot.Parse(Bob, new JsonObject { ["user_id"] = "@eve:b.example", ["stream_id"] = 1L, ["devices"] = new JsonArray() }, 0));
        Assert.Null(RemoteDeviceListSnapshot.Parse(Bob, new JsonObject { ["user_id"] = Bob, ["devices"] = new JsonArray() }, 0));
        Assert.Null(RemoteDeviceListSnapshot.Parse(Bob, new JsonObject { ["user_id"] = Bob, ["stream_id"] = 1 }, 0));
    }
}
