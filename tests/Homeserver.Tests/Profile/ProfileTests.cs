using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Profile;

/// <summary>"Profiles": reading, setting one's own fields (extended profiles of v1.16 included), and the member events that follow.</summary>
public abstract class ProfileTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private static string ProfilePath(string userId, string? key = null) =>
        $"{V3}/profile/{Uri.EscapeDataString(userId)}" + (key is null ? "" : "/" + Uri.EscapeDataString(key));

    private Task<MatrixResponse> PutFieldAsync(Session user, string key, JsonNode? value, string? userId = null) =>
        Http.SendMatrixAsync(HttpMethod.Put, ProfilePath(userId ?? user.UserId, key), new JsonObject { [key] = value }, user.AccessToken);

    private static List<JsonObject> MemberEvents(JsonObject sync, string roomId, string userId) =>
        sync.Timeline(roomId).Where(e => (string?)e["type"] == "m.room.member" && (string?)e["state_key"] == userId).ToList();

    [Fact]
    public async Task A_new_account_has_its_localpart_as_display_name_and_anyone_may_read_profiles()
    {
        var alice = await Http.RegisterAsync();
        var localpart = alice.UserId[1..alice.UserId.IndexOf(':')];

        Assert.Equal($$"""{"displayname":"{{localpart}}"}""", (await Http.GetMatrixAsync(ProfilePath(alice.UserId))).AssertOk().Body.ToJsonString());
        Assert.Equal(localpart, (string?)(await Http.GetMatrixAsync(ProfilePath(alice.UserId, "displayname"))).AssertOk().Body["displayname"]);
        Assert.Equal(localpart, (string?)(await Http.GetMatrixAsync("/_matrix/client/r0/profile/" + Uri.EscapeDataString(alice.UserId) + "/displayname")).AssertOk().Body["displayname"]);
        (await Http.GetMatrixAsync(ProfilePath(alice.UserId, "avatar_url"))).AssertError(404, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Unknown_users_are_not_found_and_malformed_ids_invalid()
    {
        (await Http.GetMatrixAsync(ProfilePath("@nobody_" + Guid.NewGuid().ToString("N")[..8] + ":test.local"))).AssertError(404, "M_NOT_FOUND");
        (await Http.GetMatrixAsync(ProfilePath("@someone:elsewhere.example"))).AssertError(404, "M_NOT_FOUND");
        (await Http.GetMatrixAsync(ProfilePath("not-a-user-id"))).AssertError(400, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task Display_name_and_avatar_are_set_by_their_owner_only_and_checked()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        (await PutFieldAsync(alice, "displayname", "Alice Liddell")).AssertOk();
        (await PutFieldAsync(alice, "avatar_url", "mxc://test.local/avatar1")).AssertOk();
        Assert.Equal("""{"displayname":"Alice Liddell","avatar_url":"mxc://test.local/avatar1"}""",
            (await Http.GetMatrixAsync(ProfilePath(alice.UserId))).AssertOk().Body.ToJsonString());

        (await PutFieldAsync(bob, "displayname", "Not Alice", alice.UserId)).AssertError(403, "M_FORBIDDEN");
        (await Http.SendMatrixAsync(HttpMethod.Put, ProfilePath(alice.UserId, "displayname"), new { displayname = "x" })).AssertError(401, "M_MISSING_TOKEN");
        (await PutFieldAsync(alice, "avatar_url", "https://example.org/a.png")).AssertError(400, "M_INVALID_PARAM");
        (await PutFieldAsync(alice, "displayname", 42)).AssertError(400, "M_BAD_JSON");
        (await PutFieldAsync(alice, "displayname", new string('x', 257))).AssertError(400, "M_BAD_JSON");
        (await Http.SendMatrixAsync(HttpMethod.Put, ProfilePath(alice.UserId, "displayname"), new { name = "x" }, alice.AccessToken)).AssertError(400, "M_MISSING_PARAM");
        (await Http.SendMatrixAsync(HttpMethod.Put, ProfilePath(alice.UserId, "displayname"), new { displayname = "x", extra = 1 }, alice.AccessToken)).AssertError(400, "M_BAD_JSON");
        Assert.Equal("Alice Liddell", (string?)(await Http.GetMatrixAsync(ProfilePath(alice.UserId, "displayname"))).Body["displayname"]);
    }

    [Fact]
    public async Task Extended_fields_are_set_read_and_deleted_within_the_key_and_size_limits()
    {
        var alice = await Http.RegisterAsync();
        (await PutFieldAsync(alice, "m.tz", "Europe/Moscow")).AssertOk();
        (await PutFieldAsync(alice, "org.example.job", new JsonObject { ["title"] = "Engineer" })).AssertOk();

        var profile = (await Http.GetMatrixAsync(ProfilePath(alice.UserId))).AssertOk().Body;
        Assert.Equal("Europe/Moscow", (string?)profile["m.tz"]);
        Assert.Equal("Engineer", (string?)profile["org.example.job"]!["title"]);
        Assert.Equal("""{"org.example.job":{"title":"Engineer"}}""", (await Http.GetMatrixAsync(ProfilePath(alice.UserId, "org.example.job"))).AssertOk().Body.ToJsonString());

        (await Http.SendMatrixAsync(HttpMethod.Delete, ProfilePath(alice.UserId, "org.example.job"), null, alice.AccessToken)).AssertOk();
        (await Http.SendMatrixAsync(HttpMethod.Delete, ProfilePath(alice.UserId, "org.example.never"), null, alice.AccessToken)).AssertOk();
        (await Http.GetMatrixAsync(ProfilePath(alice.UserId, "org.example.job"))).AssertError(404, "M_NOT_FOUND");

        (await PutFieldAsync(alice, "NoNamespace", "x")).AssertError(400, "M_INVALID_PARAM");
        (await PutFieldAsync(alice, "org.example." + new string('k', 250), "x")).AssertError(400, "M_KEY_TOO_LARGE");
        (await PutFieldAsync(alice, "m.tz", 3)).AssertError(400, "M_BAD_JSON");
        (await PutFieldAsync(alice, "org.example.big", new string('b', 65 * 1024))).AssertError(400, "M_PROFILE_TOO_LARGE");
        var bob = await Http.RegisterAsync();
        (await Http.SendMatrixAsync(HttpMethod.Delete, ProfilePath(alice.UserId, "m.tz"), null, bob.AccessToken)).AssertError(403, "M_FORBIDDEN");
        Assert.Equal(["displayname", "m.tz"], (await Http.GetMatrixAsync(ProfilePath(alice.UserId))).Body.Select(kv => kv.Key));
    }

    [Fact]
    public async Task A_display_name_set_before_the_room_exists_is_on_the_join_events()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        (await PutFieldAsync(alice, "displayname", "Early Alice")).AssertOk();
        (await PutFieldAsync(bob, "displayname", "Early Bob")).AssertOk();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.RoomPostAsync(bob, roomId, "join", new { })).AssertOk();

        var members = (await Http.RoomGetAsync(alice, roomId, "joined_members")).AssertOk().Body["joined"]!;
        Assert.Equal("Early Alice", (string?)members[alice.UserId]!["display_name"]);
        Assert.Equal("Early Bob", (string?)members[bob.UserId]!["display_name"]);
    }

    [Fact]
    public async Task A_profile_change_becomes_a_new_join_event_in_every_joined_room()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var first = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        var second = await Http.CreateRoomAsync(bob, new { preset = "public_chat" });
        var left = await Http.CreateRoomAsync(bob, new { preset = "public_chat" });
        foreach (var room in new[] { second, left }) (await Http.RoomPostAsync(alice, room, "join", new { })).AssertOk();
        (await Http.RoomPostAsync(bob, first, "join", new { })).AssertOk();
        (await Http.RoomPostAsync(alice, left, "leave", new { })).AssertOk();
        var since = (string)(await Http.SyncAsync(bob))["next_batch"]!;

        (await PutFieldAsync(alice, "displayname", "Alice Renamed")).AssertOk();
        (await PutFieldAsync(alice, "avatar_url", "mxc://test.local/new")).AssertOk();

        var sync = await Http.SyncAsync(bob, since);
        foreach (var room in new[] { first, second })
        {
            var events = MemberEvents(sync, room, alice.UserId);
            Assert.Equal(2, events.Count);
            Assert.All(events, e => Assert.Equal("join", (string?)e["content"]!["membership"]));
            Assert.Equal("Alice Renamed", (string?)events[^1]["content"]!["displayname"]);
            Assert.Equal("mxc://test.local/new", (string?)events[^1]["content"]!["avatar_url"]);
        }
        Assert.Empty(MemberEvents(sync, left, alice.UserId));

        // Setting the same name again changes nothing, so no event; clearing it removes it from the member event.
        (await PutFieldAsync(alice, "displayname", "Alice Renamed")).AssertOk();
        Assert.Empty(MemberEvents(await Http.SyncAsync(bob, (string)sync["next_batch"]!), first, alice.UserId));
        (await Http.SendMatrixAsync(HttpMethod.Delete, ProfilePath(alice.UserId, "displayname"), null, alice.AccessToken)).AssertOk();
        var cleared = Assert.Single(MemberEvents(await Http.SyncAsync(bob, (string)sync["next_batch"]!), first, alice.UserId));
        Assert.Null(cleared["content"]!["displayname"]);
        Assert.Equal("mxc://test.local/new", (string?)cleared["content"]!["avatar_url"]);
    }
}

public sealed class SqliteProfileTests(SqliteServer server) : ProfileTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresProfileTests(PostgresServer server) : ProfileTests(server), IClassFixture<PostgresServer>;
