using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Push;

/// <summary><c>GET /pushers</c>, <c>POST /pushers/set</c> and delivery to a real HTTP push gateway in the Push Gateway API format.</summary>
public abstract class PushersTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private static JsonObject Pusher(string url, string pushkey, string appId = "org.example.app", bool? append = null, JsonObject? data = null)
    {
        data ??= new JsonObject();
        data["url"] = url;
        var body = new JsonObject
        {
            ["kind"] = "http", ["app_id"] = appId, ["pushkey"] = pushkey, ["app_display_name"] = "Example",
            ["device_display_name"] = "Phone", ["lang"] = "en", ["data"] = data, ["profile_tag"] = "tag",
        };
        if (append is { } a) body["append"] = a;
        return body;
    }

    private Task<MatrixResponse> SetAsync(Session user, object body) => Http.PostMatrixAsync(V3 + "/pushers/set", body, user.AccessToken);

    private async Task<JsonArray> ListAsync(Session user) =>
        (await Http.GetMatrixAsync(V3 + "/pushers", user.AccessToken)).AssertOk().Body["pushers"]!.AsArray();

    private async Task<(Session Alice, Session Bob, string RoomId)> RoomAsync()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat", name = "Mission Control" });
        (await Http.JoinAsync(bob, roomId)).AssertOk();
        return (alice, bob, roomId);
    }

    [Fact]
    public async Task Pushers_are_set_listed_updated_and_deleted()
    {
        var alice = await Http.RegisterAsync();
        const string url = "https://push.example.org/_matrix/push/v1/notify";
        (await SetAsync(alice, Pusher(url, "key1", data: new JsonObject { ["format"] = "event_id_only" }))).AssertOk();

        var listed = Assert.Single(await ListAsync(alice))!.AsObject();
        Assert.Equal("""{"pushkey":"key1","kind":"http","app_id":"org.example.app","app_display_name":"Example","device_display_name":"Phone","lang":"en","data":{"format":"event_id_only","url":"https://push.example.org/_matrix/push/v1/notify"},"profile_tag":"tag"}""",
            listed.ToJsonString());

        var update = Pusher(url, "key1");
        update["device_display_name"] = "New phone";
        (await SetAsync(alice, update)).AssertOk();
        Assert.Equal("New phone", (string)Assert.Single(await ListAsync(alice))!["device_display_name"]!);

        (await SetAsync(alice, Pusher(url, "key2"))).AssertOk();
        Assert.Equal(2, (await ListAsync(alice)).Count);
        (await SetAsync(alice, new { kind = (string?)null, app_id = "org.example.app", pushkey = "key1" })).AssertOk();
        Assert.Equal("key2", (string)Assert.Single(await ListAsync(alice))!["pushkey"]!);
        (await SetAsync(alice, new { kind = (string?)null, app_id = "org.example.app", pushkey = "never-set" })).AssertOk();
        (await Http.GetMatrixAsync("/_matrix/client/r0/pushers", alice.AccessToken)).AssertOk();
    }

    [Fact]
    public async Task Same_app_and_pushkey_moves_to_the_new_user_unless_appended()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var carol = await Http.RegisterAsync();
        const string url = "https://push.example.org/_matrix/push/v1/notify";
        (await SetAsync(alice, Pusher(url, "shared"))).AssertOk();
        (await SetAsync(bob, Pusher(url, "shared", append: true))).AssertOk();
        Assert.Single(await ListAsync(alice));

        (await SetAsync(carol, Pusher(url, "shared"))).AssertOk();
        Assert.Empty(await ListAsync(alice));
        Assert.Empty(await ListAsync(bob));
        Assert.Single(await ListAsync(carol));
    }

    [Fact]
    public async Task Invalid_pushers_are_refused()
    {
        var alice = await Http.RegisterAsync();
        const string url = "https://push.example.org/_matrix/push/v1/notify";
        (await Http.GetMatrixAsync(V3 + "/pushers")).AssertError(401, "M_MISSING_TOKEN");
        (await SetAsync(alice, new { app_id = "a", pushkey = "k" })).AssertError(400, "M_MISSING_PARAM");
        (await SetAsync(alice, new { kind = "http", pushkey = "k" })).AssertError(400, "M_MISSING_PARAM");
        var noData = Pusher(url, "k");
        noData.Remove("data");
        (await SetAsync(alice, noData)).AssertError(400, "M_MISSING_PARAM");
        var noLang = Pusher(url, "k");
        noLang.Remove("lang");
        (await SetAsync(alice, noLang)).AssertError(400, "M_MISSING_PARAM");
        var noUrl = Pusher(url, "k");
        noUrl["data"]!.AsObject().Remove("url");
        (await SetAsync(alice, noUrl)).AssertError(400, "M_MISSING_PARAM");
        (await SetAsync(alice, Pusher("https://push.example.org/other", "k"))).AssertError(400, "M_INVALID_PARAM");
        (await SetAsync(alice, Pusher("ftp://push.example.org/_matrix/push/v1/notify", "k"))).AssertError(400, "M_INVALID_PARAM");
        (await SetAsync(alice, Pusher("not a url", "k"))).AssertError(400, "M_INVALID_PARAM");
        var email = Pusher(url, "k");
        email["kind"] = "email";
        (await SetAsync(alice, email)).AssertError(400, "M_INVALID_PARAM");
        (await SetAsync(alice, Pusher(url, "k", appId: new string('a', 65)))).AssertError(400, "M_INVALID_PARAM");
        (await SetAsync(alice, Pusher(url, new string('k', 513)))).AssertError(400, "M_INVALID_PARAM");
        var badData = Pusher(url, "k");
        badData["data"] = "url";
        (await SetAsync(alice, badData)).AssertError(400, "M_BAD_JSON");
        Assert.Empty(await ListAsync(alice));
    }

    [Fact]
    public async Task Notifying_event_is_delivered_to_the_gateway_in_the_push_gateway_format()
    {
        await using var gateway = await FakePushGateway.StartAsync();
        var (alice, bob, roomId) = await RoomAsync();
        (await SetAsync(bob, Pusher(gateway.NotifyUrl, "bob-key", data: new JsonObject { ["custom"] = 7 }))).AssertOk();

        var eventId = await Http.SendTextAsync(alice, roomId, "I'm floating in a most peculiar way.");

        var body = await gateway.NextAsync(TimeSpan.FromSeconds(20));
        Assert.NotNull(body);
        var notification = body!["notification"]!.AsObject();
        Assert.Equal(eventId, (string)notification["event_id"]!);
        Assert.Equal(roomId, (string)notification["room_id"]!);
        Assert.Equal("m.room.message", (string)notification["type"]!);
        Assert.Equal(alice.UserId, (string)notification["sender"]!);
        Assert.Equal("Mission Control", (string)notification["room_name"]!);
        Assert.Equal("I'm floating in a most peculiar way.", (string)notification["content"]!["body"]!);
        Assert.Equal(1, (int)notification["counts"]!["unread"]!);
        var device = Assert.Single(notification["devices"]!.AsArray())!.AsObject();
        Assert.Equal("org.example.app", (string)device["app_id"]!);
        Assert.Equal("bob-key", (string)device["pushkey"]!);
        Assert.Equal("""{"custom":7}""", device["data"]!.ToJsonString());
        Assert.IsType<long>((long)device["pushkey_ts"]!);
        Assert.NotNull(device["tweaks"]);
        Assert.Null(await gateway.NextAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Event_id_only_format_leaves_the_event_out()
    {
        await using var gateway = await FakePushGateway.StartAsync();
        var (alice, bob, roomId) = await RoomAsync();
        (await SetAsync(bob, Pusher(gateway.NotifyUrl, "bob-key", data: new JsonObject { ["format"] = "event_id_only" }))).AssertOk();

        var eventId = await Http.SendTextAsync(alice, roomId, "secret");

        var notification = (await gateway.NextAsync(TimeSpan.FromSeconds(20)))!["notification"]!.AsObject();
        Assert.Equal(eventId, (string)notification["event_id"]!);
        Assert.Null(notification["content"]);
        Assert.Null(notification["sender"]);
        Assert.Equal("""{"format":"event_id_only"}""", notification["devices"]![0]!["data"]!.ToJsonString());
    }

    [Fact]
    public async Task Failing_gateway_is_retried_with_back_off_until_it_answers()
    {
        await using var gateway = await FakePushGateway.StartAsync(failFirst: 2);
        var (alice, bob, roomId) = await RoomAsync();
        (await SetAsync(bob, Pusher(gateway.NotifyUrl, "bob-key"))).AssertOk();

        var eventId = await Http.SendTextAsync(alice, roomId, "eventually");

        // Back-off delays run on the server's (fake) clock: move it on until the retry gets through.
        JsonObject? body = null;
        for (var i = 0; i < 400 && body is null; i++)
        {
            server.Clock.Advance(TimeSpan.FromSeconds(2));
            body = await gateway.NextAsync(TimeSpan.FromMilliseconds(50));
        }
        Assert.NotNull(body);
        Assert.Equal(eventId, (string)body!["notification"]!["event_id"]!);
        Assert.Equal(3, gateway.Attempts);
    }

    [Fact]
    public async Task Rejected_pushkey_removes_the_pusher()
    {
        await using var gateway = await FakePushGateway.StartAsync();
        gateway.Rejected.Add("dead-key");
        var (alice, bob, roomId) = await RoomAsync();
        (await SetAsync(bob, Pusher(gateway.NotifyUrl, "dead-key"))).AssertOk();

        await Http.SendTextAsync(alice, roomId, "anyone?");
        Assert.NotNull(await gateway.NextAsync(TimeSpan.FromSeconds(20)));

        for (var i = 0; i < 100 && (await ListAsync(bob)).Count > 0; i++) await gateway.NextAsync(TimeSpan.FromMilliseconds(50));
        Assert.Empty(await ListAsync(bob));
    }

    [Fact]
    public async Task Own_events_and_silent_events_are_not_pushed()
    {
        await using var gateway = await FakePushGateway.StartAsync();
        var (alice, bob, roomId) = await RoomAsync();
        (await SetAsync(bob, Pusher(gateway.NotifyUrl, "bob-key"))).AssertOk();

        await Http.SendTextAsync(bob, roomId, "my own");
        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/rooms/{Uri.EscapeDataString(roomId)}/send/m.room.message/{Guid.NewGuid():N}",
            new { msgtype = "m.notice", body = "notice" }, alice.AccessToken)).AssertOk();
        var loud = await Http.SendTextAsync(alice, roomId, "loud");

        Assert.Equal(loud, (string)(await gateway.NextAsync(TimeSpan.FromSeconds(20)))!["notification"]!["event_id"]!);
    }

    [Fact]
    public async Task Logging_out_the_device_removes_its_pushers()
    {
        var alice = await Http.RegisterAsync();
        (await SetAsync(alice, Pusher("https://push.example.org/_matrix/push/v1/notify", "k"))).AssertOk();
        var other = await Http.LoginAsync(alice.UserId, alice.Password);

        (await Http.PostMatrixAsync(V3 + "/logout", new { }, alice.AccessToken)).AssertOk();

        Assert.Empty(await ListAsync(other));
    }
}

public sealed class SqlitePushersTests(SqliteServer server) : PushersTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresPushersTests(PostgresServer server) : PushersTests(server), IClassFixture<PostgresServer>;
