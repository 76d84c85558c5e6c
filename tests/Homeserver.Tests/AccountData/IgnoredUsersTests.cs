using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.AccountData;

/// <summary>"Ignoring Users": an ignored user's events (except state) and invites do not reach the user; unignoring resumes.</summary>
public abstract class IgnoredUsersTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private Task<MatrixResponse> IgnoreAsync(Session user, params string[] ignored)
    {
        var list = new JsonObject();
        foreach (var id in ignored) list[id] = new JsonObject();
        return Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/user/{Uri.EscapeDataString(user.UserId)}/account_data/m.ignored_user_list",
            new JsonObject { ["ignored_users"] = list }, user.AccessToken);
    }

    private async Task<(Session Alice, Session Carol, string RoomId)> RoomOfThreeAsync(Session bob)
    {
        var alice = await Http.RegisterAsync();
        var carol = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.RoomPostAsync(bob, roomId, "join", new { })).AssertOk();
        (await Http.RoomPostAsync(carol, roomId, "join", new { })).AssertOk();
        return (alice, carol, roomId);
    }

    [Fact]
    public async Task Messages_of_ignored_users_are_left_out_of_sync_and_messages_but_their_state_events_are_not()
    {
        var bob = await Http.RegisterAsync();
        var (alice, carol, roomId) = await RoomOfThreeAsync(bob);
        (await IgnoreAsync(bob, carol.UserId)).AssertOk();

        await Http.SendTextAsync(carol, roomId, "from carol");
        (await Http.PutStateAsync(carol, roomId, "m.room.member", carol.UserId, new { membership = "join", displayname = "Carol" })).AssertOk();
        await Http.SendTextAsync(alice, roomId, "from alice");

        var sync = await Http.SyncAsync(bob);
        var timeline = sync.Timeline(roomId);
        Assert.Equal(["from alice"], timeline.Bodies());
        Assert.Contains(timeline, e => (string?)e["type"] == "m.room.member" && (string?)e["content"]!["displayname"] == "Carol");

        var messages = (await Http.RoomGetAsync(bob, roomId, "messages?dir=b&limit=50")).AssertOk().Body["chunk"]!.AsArray().Select(e => e!.AsObject()).ToList();
        Assert.Equal(["from alice"], messages.Bodies());
        Assert.Contains(messages, e => (string?)e["type"] == "m.room.member" && (string?)e["content"]!["displayname"] == "Carol");

        // Alice, who ignores nobody, sees both.
        Assert.Equal(["from carol", "from alice"], (await Http.SyncAsync(alice)).Timeline(roomId).Bodies());
    }

    [Fact]
    public async Task Unignoring_applies_to_later_syncs_without_replaying_what_was_missed()
    {
        var bob = await Http.RegisterAsync();
        var (_, carol, roomId) = await RoomOfThreeAsync(bob);
        (await IgnoreAsync(bob, carol.UserId)).AssertOk();
        var since = (string)(await Http.SyncAsync(bob))["next_batch"]!;

        await Http.SendTextAsync(carol, roomId, "while ignored");
        var ignoredWindow = await Http.SyncAsync(bob, since);
        Assert.Empty(ignoredWindow.Timeline(roomId).Bodies());

        (await IgnoreAsync(bob)).AssertOk();
        var afterChange = await Http.SyncAsync(bob, (string)ignoredWindow["next_batch"]!);
        Assert.Empty(afterChange.Timeline(roomId).Bodies());
        Assert.Contains(afterChange["account_data"]!["events"]!.AsArray(), e => (string?)e!["type"] == "m.ignored_user_list");

        await Http.SendTextAsync(carol, roomId, "after unignore");
        Assert.Equal(["after unignore"], (await Http.SyncAsync(bob, (string)afterChange["next_batch"]!)).Timeline(roomId).Bodies());
    }

    [Fact]
    public async Task Invites_from_ignored_users_are_not_sent()
    {
        var bob = await Http.RegisterAsync();
        var carol = await Http.RegisterAsync();
        var dave = await Http.RegisterAsync();
        (await IgnoreAsync(bob, carol.UserId)).AssertOk();
        var since = (string)(await Http.SyncAsync(bob))["next_batch"]!;

        var fromCarol = await Http.CreateRoomAsync(carol, new { invite = new[] { bob.UserId } });
        var fromDave = await Http.CreateRoomAsync(dave, new { invite = new[] { bob.UserId } });

        var incremental = (await Http.SyncAsync(bob, since))["rooms"]!["invite"]!.AsObject();
        Assert.Null(incremental[fromCarol]);
        Assert.NotNull(incremental[fromDave]);
        var initial = (await Http.SyncAsync(bob))["rooms"]!["invite"]!.AsObject();
        Assert.Null(initial[fromCarol]);
        Assert.NotNull(initial[fromDave]);
    }
}

public sealed class SqliteIgnoredUsersTests(SqliteServer server) : IgnoredUsersTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresIgnoredUsersTests(PostgresServer server) : IgnoredUsersTests(server), IClassFixture<PostgresServer>;
