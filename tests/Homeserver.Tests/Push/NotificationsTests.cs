using System.Text.Json.Nodes;
using Messenger.Homeserver.Push;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Push;

/// <summary>
/// Push rule evaluation of new events ("Server behaviour"): unread counts per room and thread, <c>GET /notifications</c>,
/// counts reset by sending and by <c>ResetCountsAsync</c> (receipts).
/// </summary>
public abstract class NotificationsTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private async Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> read)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider);
    }

    private Task<Dictionary<string, RoomUnreadCounts>> CountsAsync(Session user, params string[] roomIds) =>
        InScopeAsync(sp => sp.GetRequiredService<PushActionStore>().UnreadCountsAsync(user.UserId, roomIds, long.MaxValue, CancellationToken.None));

    private async Task<(Session Alice, Session Bob, Session Carol, string RoomId)> GroupAsync()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var carol = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.JoinAsync(bob, roomId)).AssertOk();
        (await Http.JoinAsync(carol, roomId)).AssertOk();
        return (alice, bob, carol, roomId);
    }

    private Task<MatrixResponse> SendAsync(Session user, string roomId, object content, string type = "m.room.message") =>
        Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/rooms/{Uri.EscapeDataString(roomId)}/send/{type}/{Guid.NewGuid():N}", content, user.AccessToken);

    [Fact]
    public async Task Messages_notify_every_other_member_and_a_mention_highlights()
    {
        var (alice, bob, carol, roomId) = await GroupAsync();
        await Http.SendTextAsync(alice, roomId, "hello");
        (await SendAsync(alice, roomId, new JsonObject { ["msgtype"] = "m.text", ["body"] = "bob?", ["m.mentions"] = new JsonObject { ["user_ids"] = new JsonArray(bob.UserId) } })).AssertOk();
        (await SendAsync(alice, roomId, new { msgtype = "m.notice", body = "bot says" })).AssertOk();

        var bobs = (await CountsAsync(bob, roomId))[roomId].Total;
        var carols = (await CountsAsync(carol, roomId))[roomId].Total;
        Assert.Equal(new UnreadCount(2, 1), bobs);
        Assert.Equal(new UnreadCount(2, 0), carols);
        Assert.False((await CountsAsync(alice, roomId)).ContainsKey(roomId));
    }

    [Fact]
    public async Task Invite_notifies_the_invited_local_user()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice);
        (await Http.RoomPostAsync(alice, roomId, "invite", new { user_id = bob.UserId })).AssertOk();

        Assert.Equal(new UnreadCount(1, 0), (await CountsAsync(bob, roomId))[roomId].Total);
        var list = (await Http.GetMatrixAsync(V3 + "/notifications", bob.AccessToken)).AssertOk().Body["notifications"]!.AsArray();
        Assert.Equal("m.room.member", (string)list[0]!["event"]!["type"]!);
    }

    [Fact]
    public async Task Counts_are_partitioned_per_thread_and_receipts_reset_them()
    {
        var (alice, bob, _, roomId) = await GroupAsync();
        var root = await Http.SendTextAsync(alice, roomId, "root");
        (await SendAsync(alice, roomId, new JsonObject { ["msgtype"] = "m.text", ["body"] = "in thread", ["m.relates_to"] = new JsonObject { ["rel_type"] = "m.thread", ["event_id"] = root } })).AssertOk();
        var threadEvent = (await SendAsync(alice, roomId, new JsonObject { ["msgtype"] = "m.text", ["body"] = "in thread 2", ["m.relates_to"] = new JsonObject { ["rel_type"] = "m.thread", ["event_id"] = root } })).String("event_id");
        await Http.SendTextAsync(alice, roomId, "main again");

        var counts = (await CountsAsync(bob, roomId))[roomId];
        Assert.Equal(new UnreadCount(2, 0), counts.Main);
        Assert.Equal(new UnreadCount(2, 0), counts.Threads[root]);
        Assert.Equal(new UnreadCount(4, 0), counts.Total);
        Assert.Equal("""{"highlight_count":0,"notification_count":2}""", counts.UnreadNotifications(threaded: true).ToJsonString());
        Assert.Equal("""{"highlight_count":0,"notification_count":4}""", counts.UnreadNotifications(threaded: false).ToJsonString());
        Assert.Equal($$$"""{"{{{root}}}":{"highlight_count":0,"notification_count":2}}""", counts.UnreadThreadNotifications().ToJsonString());

        var threadPosition = await InScopeAsync(async sp => (await sp.GetRequiredService<RoomStore>().EventRowAsync(threadEvent))!.StreamOrdering);
        await InScopeAsync(async sp =>
        {
            await sp.GetRequiredService<PushActionStore>().ResetCountsAsync(bob.UserId, roomId, threadPosition, PushActionStore.MainThread, CancellationToken.None);
            return 0;
        });
        counts = (await CountsAsync(bob, roomId))[roomId];
        Assert.Equal(new UnreadCount(1, 0), counts.Main);
        Assert.Equal(new UnreadCount(2, 0), counts.Threads[root]);

        await InScopeAsync(async sp =>
        {
            await sp.GetRequiredService<PushActionStore>().ResetCountsAsync(bob.UserId, roomId, threadPosition, root, CancellationToken.None);
            return 0;
        });
        counts = (await CountsAsync(bob, roomId))[roomId];
        Assert.Empty(counts.Threads);
        await InScopeAsync(async sp =>
        {
            await sp.GetRequiredService<PushActionStore>().ResetCountsAsync(bob.UserId, roomId, long.MaxValue, null, CancellationToken.None);
            return 0;
        });
        Assert.False((await CountsAsync(bob, roomId)).ContainsKey(roomId));
    }

    [Fact]
    public async Task Sending_an_event_reads_the_senders_notifications_up_to_it()
    {
        var (alice, bob, _, roomId) = await GroupAsync();
        await Http.SendTextAsync(alice, roomId, "one");
        await Http.SendTextAsync(alice, roomId, "two");
        Assert.Equal(2, (await CountsAsync(bob, roomId))[roomId].Total.Notifications);

        await Http.SendTextAsync(bob, roomId, "read them");

        Assert.False((await CountsAsync(bob, roomId)).ContainsKey(roomId));
        var list = (await Http.GetMatrixAsync(V3 + "/notifications", bob.AccessToken)).AssertOk().Body["notifications"]!.AsArray();
        Assert.All(list, n => Assert.True((bool)n!["read"]!));
    }

    [Fact]
    public async Task Counts_only_include_notifications_up_to_the_sync_window_and_the_asked_rooms()
    {
        var (alice, bob, _, roomId) = await GroupAsync();
        var other = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.JoinAsync(bob, other)).AssertOk();
        var first = await Http.SendTextAsync(alice, roomId, "one");
        await Http.SendTextAsync(alice, roomId, "two");
        await Http.SendTextAsync(alice, other, "elsewhere");
        var position = await InScopeAsync(async sp => (await sp.GetRequiredService<RoomStore>().EventRowAsync(first))!.StreamOrdering);

        var counts = await InScopeAsync(sp => sp.GetRequiredService<PushActionStore>().UnreadCountsAsync(bob.UserId, [roomId], position, CancellationToken.None));
        Assert.Equal([roomId], counts.Keys);
        Assert.Equal(1, counts[roomId].Total.Notifications);
    }

    [Fact]
    public async Task Notifications_list_newest_first_pages_with_next_token_and_filters_highlights()
    {
        var (alice, bob, _, roomId) = await GroupAsync();
        for (var i = 0; i < 3; i++) await Http.SendTextAsync(alice, roomId, $"m{i}");
        (await SendAsync(alice, roomId, new JsonObject { ["msgtype"] = "m.text", ["body"] = "hey", ["m.mentions"] = new JsonObject { ["user_ids"] = new JsonArray(bob.UserId) } })).AssertOk();

        var firstResponse = (await Http.GetMatrixAsync(V3 + "/notifications?limit=2", bob.AccessToken)).AssertOk();
        var first = firstResponse.Body;
        var page = first["notifications"]!.AsArray();
        Assert.Equal(["hey", "m2"], page.Select(n => (string)n!["event"]!["content"]!["body"]!));
        var top = page[0]!.AsObject();
        Assert.Equal(roomId, (string)top["room_id"]!);
        Assert.False((bool)top["read"]!);
        Assert.IsType<long>((long)top["ts"]!);
        Assert.Contains("highlight", top["actions"]!.ToJsonString());

        var secondResponse = (await Http.GetMatrixAsync($"{V3}/notifications?limit=2&from={firstResponse.String("next_token")}", bob.AccessToken)).AssertOk();
        var second = secondResponse.Body;
        Assert.Equal(["m1", "m0"], second["notifications"]!.AsArray().Select(n => (string)n!["event"]!["content"]!["body"]!));
        var rest = (await Http.GetMatrixAsync($"{V3}/notifications?limit=2&from={secondResponse.String("next_token")}", bob.AccessToken)).AssertOk().Body;
        Assert.Empty(rest["notifications"]!.AsArray());
        Assert.Null(rest["next_token"]);

        var highlights = (await Http.GetMatrixAsync(V3 + "/notifications?only=highlight", bob.AccessToken)).AssertOk().Body;
        Assert.Equal(["hey"], highlights["notifications"]!.AsArray().Select(n => (string)n!["event"]!["content"]!["body"]!));
        Assert.Null(highlights["next_token"]);
    }

    [Fact]
    public async Task Notifications_errors()
    {
        var alice = await Http.RegisterAsync();
        (await Http.GetMatrixAsync(V3 + "/notifications")).AssertError(401, "M_MISSING_TOKEN");
        (await Http.GetMatrixAsync(V3 + "/notifications?from=abc", alice.AccessToken)).AssertError(400, "M_INVALID_PARAM");
        (await Http.GetMatrixAsync(V3 + "/notifications?limit=zero", alice.AccessToken)).AssertError(400, "M_INVALID_PARAM");
        (await Http.GetMatrixAsync(V3 + "/notifications?limit=0", alice.AccessToken)).AssertError(400, "M_INVALID_PARAM");
        Assert.Empty((await Http.GetMatrixAsync("/_matrix/client/r0/notifications", alice.AccessToken)).AssertOk().Body["notifications"]!.AsArray());
    }

    [Fact]
    public async Task User_rules_change_what_notifies()
    {
        var (alice, bob, _, roomId) = await GroupAsync();
        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/pushrules/global/room/{Uri.EscapeDataString(roomId)}", new { actions = Array.Empty<string>() }, bob.AccessToken)).AssertOk();
        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/pushrules/global/content/cake", new { pattern = "cake", actions = new object[] { "notify", new { set_tweak = "highlight" } } }, bob.AccessToken)).AssertOk();

        await Http.SendTextAsync(alice, roomId, "muted room");
        await Http.SendTextAsync(alice, roomId, "but CAKE wins");

        Assert.Equal(new UnreadCount(1, 1), (await CountsAsync(bob, roomId))[roomId].Total);
    }

    [Fact]
    public async Task A_rule_change_applies_from_the_next_event()
    {
        var (alice, bob, _, roomId) = await GroupAsync();
        await Http.SendTextAsync(alice, roomId, "heard");
        Assert.Equal(new UnreadCount(1, 0), (await CountsAsync(bob, roomId))[roomId].Total);

        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/pushrules/global/room/{Uri.EscapeDataString(roomId)}", new { actions = Array.Empty<string>() }, bob.AccessToken)).AssertOk();
        await Http.SendTextAsync(alice, roomId, "muted");
        Assert.Equal(new UnreadCount(1, 0), (await CountsAsync(bob, roomId))[roomId].Total);

        (await Http.SendMatrixAsync(HttpMethod.Delete, $"{V3}/pushrules/global/room/{Uri.EscapeDataString(roomId)}", null, bob.AccessToken)).AssertOk();
        await Http.SendTextAsync(alice, roomId, "heard again");
        Assert.Equal(new UnreadCount(2, 0), (await CountsAsync(bob, roomId))[roomId].Total);
    }
}

public sealed class SqliteNotificationsTests(SqliteServer server) : NotificationsTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresNotificationsTests(PostgresServer server) : NotificationsTests(server), IClassFixture<PostgresServer>;
