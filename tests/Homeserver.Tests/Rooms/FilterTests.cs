using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Rooms;

/// <summary>"Filtering" applied by /sync and /messages: types, senders, rooms, contains_url, lazy-loaded members, event_fields.</summary>
public abstract class FilterTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private async Task<(Session Alice, Session Bob, string RoomId)> ChatAsync()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.RoomPostAsync(bob, roomId, "join", new { })).AssertOk();
        await Http.SendTextAsync(alice, roomId, "from alice");
        await Http.SendTextAsync(bob, roomId, "from bob");
        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/rooms/{roomId}/send/m.room.message/img", new { msgtype = "m.image", body = "pic", url = "mxc://x/y" }, alice.AccessToken)).AssertOk();
        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/rooms/{roomId}/send/org.example.custom/c1", new { data = 1 }, alice.AccessToken)).AssertOk();
        return (alice, bob, roomId);
    }

    [Fact]
    public async Task Timeline_types_senders_and_contains_url_select_events()
    {
        var (alice, bob, roomId) = await ChatAsync();

        var onlyMessages = await Http.SyncAsync(alice, filter: "{\"room\":{\"timeline\":{\"types\":[\"m.room.*\"],\"not_types\":[\"m.room.member\"]}}}");
        Assert.DoesNotContain(onlyMessages.Timeline(roomId), e => (string?)e["type"] is "org.example.custom" or "m.room.member");
        Assert.Contains(onlyMessages.Timeline(roomId), e => (string?)e["type"] == "m.room.message");

        var notBob = await Http.SyncAsync(alice, filter: JsonSerializerString(new { room = new { timeline = new { not_senders = new[] { bob.UserId } } } }));
        Assert.DoesNotContain(notBob.Timeline(roomId), e => (string?)e["sender"] == bob.UserId);

        var withUrl = await Http.SyncAsync(alice, filter: "{\"room\":{\"timeline\":{\"contains_url\":true}}}");
        Assert.Equal(["pic"], withUrl.Timeline(roomId).Bodies());
    }

    [Fact]
    public async Task Rooms_filter_leaves_other_rooms_out()
    {
        var (alice, _, roomId) = await ChatAsync();
        var other = await Http.CreateRoomAsync(alice);
        var sync = await Http.SyncAsync(alice, filter: JsonSerializerString(new { room = new { not_rooms = new[] { roomId } } }));
        Assert.False(sync["rooms"]!["join"]!.AsObject().ContainsKey(roomId));
        Assert.True(sync["rooms"]!["join"]!.AsObject().ContainsKey(other));
    }

    [Fact]
    public async Task Lazy_loading_sends_only_the_members_the_timeline_needs()
    {
        var (alice, bob, roomId) = await ChatAsync();
        var carol = await Http.RegisterAsync();
        (await Http.RoomPostAsync(carol, roomId, "join", new { })).AssertOk();
        for (var i = 0; i < 3; i++) await Http.SendTextAsync(bob, roomId, "bob again " + i);

        var sync = await Http.SyncAsync(bob, filter: "{\"room\":{\"timeline\":{\"limit\":3},\"state\":{\"lazy_load_members\":true}}}");
        var members = sync["rooms"]!["join"]![roomId]!["state"]!["events"]!.AsArray()
            .Where(e => (string?)e!["type"] == "m.room.member").Select(e => (string)e!["state_key"]!).ToList();
        Assert.Equal([bob.UserId], members);
        Assert.Equal(3, (int)sync["rooms"]!["join"]![roomId]!["summary"]!["m.joined_member_count"]!);
    }

    [Fact]
    public async Task A_lazy_loaded_member_event_sent_again_after_its_redaction_comes_redacted()
    {
        const string lazy = "{\"room\":{\"timeline\":{\"limit\":1},\"state\":{\"lazy_load_members\":true}}}";
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/profile/{Uri.EscapeDataString(bob.UserId)}/displayname", new { displayname = "Bobby" }, bob.AccessToken)).AssertOk();
        (await Http.RoomPostAsync(bob, roomId, "join", new { })).AssertOk();
        await Http.SendTextAsync(bob, roomId, "one");
        var first = await Http.SyncAsync(alice, filter: lazy);
        var member = BobsMember(first);
        Assert.Equal("Bobby", (string?)member["content"]!["displayname"]);

        // Redaction strips a member event's content to its membership ("Redactions"); later syncs send it that way.
        await Http.RedactAsync(alice, roomId, (string)member["event_id"]!);
        await Http.SendTextAsync(bob, roomId, "two");
        var next = await Http.SyncAsync(alice, (string)first["next_batch"]!, filter: lazy);
        var redacted = BobsMember(next);
        Assert.Equal((string)member["event_id"]!, (string?)redacted["event_id"]);
        Assert.Null(redacted["content"]!["displayname"]);
        Assert.Equal("join", (string?)redacted["content"]!["membership"]);

        JsonObject BobsMember(JsonObject sync) => sync["rooms"]!["join"]![roomId]!["state"]!["events"]!.AsArray()
            .Single(e => (string?)e!["type"] == "m.room.member" && (string?)e["state_key"] == bob.UserId)!.AsObject();
    }

    [Fact]
    public async Task Event_fields_keep_only_the_listed_fields()
    {
        var (alice, _, roomId) = await ChatAsync();
        var sync = await Http.SyncAsync(alice, filter: "{\"event_fields\":[\"type\",\"content.body\"],\"room\":{\"timeline\":{\"types\":[\"m.room.message\"]}}}");
        var first = sync.Timeline(roomId)[0];
        Assert.Equal(["content", "type"], first.Select(kv => kv.Key).Order());
        Assert.Equal(["body"], first["content"]!.AsObject().Select(kv => kv.Key));
    }

    [Fact]
    public async Task Messages_filter_and_lazy_members()
    {
        var (alice, bob, roomId) = await ChatAsync();
        var filter = Uri.EscapeDataString("{\"senders\":[\"" + bob.UserId + "\"],\"lazy_load_members\":true}");
        var page = (await Http.RoomGetAsync(alice, roomId, $"messages?dir=b&limit=5&filter={filter}")).AssertOk();
        Assert.All(page.Body["chunk"]!.AsArray(), e => Assert.Equal(bob.UserId, (string?)e!["sender"]));
        Assert.NotEmpty(page.Body["chunk"]!.AsArray());
        Assert.Equal([bob.UserId], page.Body["state"]!.AsArray().Select(e => (string)e!["state_key"]!));
        (await Http.RoomGetAsync(alice, roomId, "messages?dir=b&filter=%7Bnot")).AssertError(400, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task Malformed_filters_are_refused_when_uploaded()
    {
        var alice = await Http.RegisterAsync();
        var path = $"{V3}/user/{Uri.EscapeDataString(alice.UserId)}/filter";
        (await Http.PostMatrixAsync(path, new { room = new { timeline = new { limit = "ten" } } }, alice.AccessToken)).AssertError(400, "M_BAD_JSON");
        (await Http.PostMatrixAsync(path, new { room = new { rooms = "not a list" } }, alice.AccessToken)).AssertError(400, "M_BAD_JSON");
        (await Http.PostMatrixAsync(path, new { event_format = "xml" }, alice.AccessToken)).AssertError(400, "M_BAD_JSON");
        (await Http.GetMatrixAsync($"{V3}/sync?filter=%7Bbroken", alice.AccessToken)).AssertError(400, "M_NOT_JSON");
    }

    private static string JsonSerializerString(object value) => System.Text.Json.JsonSerializer.Serialize(value);
}

public sealed class SqliteFilterTests(SqliteServer server) : FilterTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresFilterTests(PostgresServer server) : FilterTests(server), IClassFixture<PostgresServer>;
