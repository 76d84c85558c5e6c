using System.Text.Json.Nodes;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Push;

/// <summary>
/// The unread counts of <c>/sync</c> as receipts and sends move them ("Receiving notifications", "Marking notifications
/// as read", "Threaded read receipts"): a notification is unread until a receipt (m.read or m.read.private, unthreaded
/// or of its thread) or the user's own event covers it; counts are per room, or with <c>unread_thread_notifications</c>
/// per thread with the main timeline apart.
/// </summary>
public abstract class UnreadCountsTests(ServerFixture server)
{
    private const string ThreadedFilter = """{"room":{"timeline":{"unread_thread_notifications":true}}}""";

    private HttpClient Http => server.Client;

    private async Task<(Session Alice, Session Bob, string RoomId)> PairAsync()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.JoinAsync(bob, roomId)).AssertOk();
        return (alice, bob, roomId);
    }

    private Task<MatrixResponse> ReceiptAsync(Session user, string roomId, string type, string eventId, string? threadId = null) =>
        Http.PostMatrixAsync($"{V3}/rooms/{Uri.EscapeDataString(roomId)}/receipt/{type}/{Uri.EscapeDataString(eventId)}",
            threadId is null ? new { } : new { thread_id = threadId }, user.AccessToken);

    private async Task<string> MentionAsync(Session from, string roomId, Session to)
    {
        var content = new JsonObject { ["msgtype"] = "m.text", ["body"] = "hey", ["m.mentions"] = new JsonObject { ["user_ids"] = new JsonArray(to.UserId) } };
        return (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/rooms/{Uri.EscapeDataString(roomId)}/send/m.room.message/{Guid.NewGuid():N}", content, from.AccessToken))
            .AssertOk().String("event_id");
    }

    /// <summary>(notification_count, highlight_count) of the room, or of the main timeline with the threaded filter, and the thread counts.</summary>
    private async Task<((int, int) Room, Dictionary<string, (int, int)> Threads)> CountsAsync(Session user, string roomId, bool threaded = false)
    {
        var room = (await Http.SyncAsync(user, filter: threaded ? ThreadedFilter : null))["rooms"]!["join"]![roomId]!;
        static (int, int) Of(JsonNode c) => ((int)c["notification_count"]!, (int)c["highlight_count"]!);
        var threads = room["unread_thread_notifications"]?.AsObject().ToDictionary(kv => kv.Key, kv => Of(kv.Value!)) ?? [];
        return (Of(room["unread_notifications"]!), threads);
    }

    /// <summary>A client's sync loop from <paramref name="since"/> until a response carries the room (presence may wake it first).</summary>
    private async Task<JsonNode> UntilRoomAsync(Session user, string since, string roomId)
    {
        for (var i = 0; i < 20; i++)
        {
            var response = await Http.SyncAsync(user, since: since, timeoutMs: 20_000);
            if (response["rooms"]?["join"]?[roomId] is { } room) return room;
            since = (string)response["next_batch"]!;
        }
        throw new TimeoutException($"{roomId} never came in {user.UserId}'s sync");
    }

    [Fact]
    public async Task A_receipt_for_an_older_event_leaves_the_later_notifications_counted()
    {
        var (alice, bob, roomId) = await PairAsync();
        var one = await Http.SendTextAsync(alice, roomId, "one");
        var two = await MentionAsync(alice, roomId, bob);
        var three = await Http.SendTextAsync(alice, roomId, "three");
        Assert.Equal((3, 1), (await CountsAsync(bob, roomId)).Room);

        (await ReceiptAsync(bob, roomId, "m.read", one)).AssertOk();
        Assert.Equal((2, 1), (await CountsAsync(bob, roomId)).Room);
        var list = (await Http.GetMatrixAsync(V3 + "/notifications", bob.AccessToken)).AssertOk().Body["notifications"]!.AsArray();
        Assert.Equal([(three, false), (two, false), (one, true)], list.Select(n => ((string)n!["event"]!["event_id"]!, (bool)n["read"]!)));

        (await ReceiptAsync(bob, roomId, "m.read.private", two)).AssertOk();
        Assert.Equal((1, 0), (await CountsAsync(bob, roomId)).Room);
        (await ReceiptAsync(bob, roomId, "m.read", three)).AssertOk();
        (await ReceiptAsync(bob, roomId, "m.read", one)).AssertOk();
        Assert.Equal((0, 0), (await CountsAsync(bob, roomId)).Room);

        await MentionAsync(alice, roomId, bob);
        Assert.Equal((1, 1), (await CountsAsync(bob, roomId)).Room);
    }

    [Fact]
    public async Task Threads_count_apart_and_each_kind_of_receipt_reads_its_own_part()
    {
        var (alice, bob, roomId) = await PairAsync();
        var root = await Http.SendTextAsync(alice, roomId, "root");
        var first = await Http.SendRelatedTextAsync(alice, roomId, "first reply", "m.thread", root);
        var mention = await MentionAsync(alice, roomId, bob);
        await Http.SendRelatedTextAsync(alice, roomId, "second reply", "m.thread", root);
        var (main, threads) = await CountsAsync(bob, roomId, threaded: true);
        Assert.Equal((2, 1), main);
        Assert.Equal((2, 0), threads[root]);
        Assert.Equal((4, 1), (await CountsAsync(bob, roomId)).Room);

        // A thread receipt reads only its thread, up to its event.
        (await ReceiptAsync(bob, roomId, "m.read", first, root)).AssertOk();
        (main, threads) = await CountsAsync(bob, roomId, threaded: true);
        Assert.Equal((2, 1), main);
        Assert.Equal((1, 0), threads[root]);

        // A main-timeline receipt reads only the main timeline.
        (await ReceiptAsync(bob, roomId, "m.read", mention, "main")).AssertOk();
        (main, threads) = await CountsAsync(bob, roomId, threaded: true);
        Assert.Equal((0, 0), main);
        Assert.Equal((1, 0), threads[root]);

        // An unthreaded receipt reads everything up to its event, whatever the thread: here not the second reply.
        (await ReceiptAsync(bob, roomId, "m.read.private", mention)).AssertOk();
        Assert.Equal((1, 0), (await CountsAsync(bob, roomId)).Room);
        var last = await Http.SendRelatedTextAsync(alice, roomId, "third reply", "m.thread", root);
        (await ReceiptAsync(bob, roomId, "m.read", last)).AssertOk();
        (main, threads) = await CountsAsync(bob, roomId, threaded: true);
        Assert.Equal((0, 0), main);
        Assert.Empty(threads);
    }

    [Fact]
    public async Task Sending_reads_up_to_the_event_in_its_own_thread_only()
    {
        var (alice, bob, roomId) = await PairAsync();
        var root = await Http.SendTextAsync(alice, roomId, "root");
        await Http.SendRelatedTextAsync(alice, roomId, "reply", "m.thread", root);
        await MentionAsync(alice, roomId, bob);

        await Http.SendRelatedTextAsync(bob, roomId, "my reply", "m.thread", root);
        var (main, threads) = await CountsAsync(bob, roomId, threaded: true);
        Assert.Equal((2, 1), main);
        Assert.Empty(threads);

        await Http.SendTextAsync(bob, roomId, "caught up");
        Assert.Equal((0, 0), (await CountsAsync(bob, roomId)).Room);
        await Http.SendTextAsync(alice, roomId, "after");
        Assert.Equal((1, 0), (await CountsAsync(bob, roomId)).Room);
    }

    [Fact]
    public async Task A_member_who_left_gets_no_new_notifications()
    {
        var (alice, bob, roomId) = await PairAsync();
        await Http.SendTextAsync(alice, roomId, "before");
        (await Http.RoomPostAsync(bob, roomId, "leave", new { })).AssertOk();
        await Http.SendTextAsync(alice, roomId, "after");
        await MentionAsync(alice, roomId, bob);

        var list = (await Http.GetMatrixAsync(V3 + "/notifications", bob.AccessToken)).AssertOk().Body["notifications"]!.AsArray();
        Assert.Equal(["before"], list.Select(n => (string)n!["event"]!["content"]!["body"]!));
        // Their leave is an event they sent, so it read up to it; nothing after it counts for the push gateway either.
        Assert.True((bool)list[0]!["read"]!);
        await using var scope = server.Services.CreateAsyncScope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<PushActionStore>().UnreadTotalAsync(bob.UserId, CancellationToken.None));
    }

    [Fact]
    public async Task Long_polls_woken_by_one_message_each_get_their_own_counts()
    {
        var alice = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        var members = new List<Session>();
        for (var i = 0; i < 8; i++)
        {
            var member = await Http.RegisterAsync();
            (await Http.JoinAsync(member, roomId)).AssertOk();
            members.Add(member);
        }
        var sent = new List<string>();
        for (var i = 0; i < 8; i++) sent.Add(await Http.SendTextAsync(alice, roomId, $"message {i}"));
        // Member k has read the first k messages: 8 - k unread, a different count for each.
        for (var k = 1; k < members.Count; k++) (await ReceiptAsync(members[k], roomId, "m.read", sent[k - 1])).AssertOk();
        var tokens = await Task.WhenAll(members.Select(m => Http.NextBatchAsync(m)));

        // Their long-polls wake together (their counts are read together); each must still get its own.
        var polls = members.Select((m, k) => UntilRoomAsync(m, tokens[k], roomId)).ToList();
        await Task.Delay(300);
        await MentionAsync(alice, roomId, members[3]);
        var rooms = await Task.WhenAll(polls);
        for (var k = 0; k < members.Count; k++)
        {
            var counts = rooms[k]["unread_notifications"]!;
            Assert.Equal((8 - k + 1, k == 3 ? 1 : 0), ((int)counts["notification_count"]!, (int)counts["highlight_count"]!));
        }
    }

    [Fact]
    public async Task Counts_stay_exact_when_many_members_send_at_once()
    {
        var alice = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        var members = new List<Session> { alice };
        for (var i = 0; i < 5; i++)
        {
            var member = await Http.RegisterAsync();
            (await Http.JoinAsync(member, roomId)).AssertOk();
            members.Add(member);
        }

        await Task.WhenAll(members.Select(async m =>
        {
            for (var i = 0; i < 6; i++) await Http.SendTextAsync(m, roomId, $"message {i}");
        }));

        // Expected from the timeline's order: a member's unread are the others' messages after their own last one.
        var messages = (await Http.RoomGetAsync(alice, roomId, "messages?dir=b&limit=100")).AssertOk().Body["chunk"]!.AsArray()
            .Select(e => e!.AsObject()).Where(e => (string?)e["type"] == "m.room.message").Reverse().ToList();
        Assert.Equal(36, messages.Count);
        foreach (var member in members)
        {
            var own = messages.FindLastIndex(e => (string?)e["sender"] == member.UserId);
            Assert.Equal((messages.Count - 1 - own, 0), (await CountsAsync(member, roomId)).Room);
        }
    }
}

public sealed class SqliteUnreadCountsTests(SqliteServer server) : UnreadCountsTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresUnreadCountsTests(PostgresServer server) : UnreadCountsTests(server), IClassFixture<PostgresServer>;
