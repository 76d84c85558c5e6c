using Messenger.Homeserver.Tests.Support;

namespace Messenger.Homeserver.Tests.Rooms;

/// <summary>"Querying threads in a room": <c>GET /_matrix/client/v1/rooms/{roomId}/threads</c>.</summary>
public abstract class ThreadsTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private async Task<(Session Alice, Session Bob, string RoomId)> RoomWithTwoAsync()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.RoomPostAsync(bob, roomId, "join", new { })).AssertOk();
        return (alice, bob, roomId);
    }

    [Fact]
    public async Task Threads_are_ordered_by_latest_activity_with_their_aggregation()
    {
        var (alice, bob, roomId) = await RoomWithTwoAsync();
        var first = await Http.SendTextAsync(alice, roomId, "first topic");
        var second = await Http.SendTextAsync(alice, roomId, "second topic");
        await Http.SendTextAsync(alice, roomId, "no thread here");
        await Http.SendRelatedTextAsync(bob, roomId, "on first", "m.thread", first);
        var latestOnSecond = await Http.SendRelatedTextAsync(bob, roomId, "on second", "m.thread", second);

        var threads = (await Http.RoomGetV1Async(alice, roomId, "threads")).AssertOk();
        Assert.Equal([second, first], threads.Body["chunk"].EventIds());
        Assert.Null(threads.Body["next_batch"]);
        var aggregation = threads.Body["chunk"]![0]!.BundledRelations()!["m.thread"]!;
        Assert.Equal(latestOnSecond, (string?)aggregation["latest_event"]!["event_id"]);
        Assert.Equal(1, (int)aggregation["count"]!);

        await Http.SendRelatedTextAsync(alice, roomId, "back to first", "m.thread", first);
        Assert.Equal([first, second], (await Http.RoomGetV1Async(alice, roomId, "threads")).AssertOk().Body["chunk"].EventIds());
    }

    [Fact]
    public async Task Participated_keeps_threads_the_user_started_or_wrote_in()
    {
        var (alice, bob, roomId) = await RoomWithTwoAsync();
        var bobsRoot = await Http.SendTextAsync(bob, roomId, "bob's topic");
        var repliedTo = await Http.SendTextAsync(alice, roomId, "alice's topic");
        var notJoined = await Http.SendTextAsync(alice, roomId, "alice alone");
        await Http.SendRelatedTextAsync(alice, roomId, "alice on her own", "m.thread", notJoined);
        await Http.SendRelatedTextAsync(bob, roomId, "bob replies", "m.thread", repliedTo);
        await Http.SendRelatedTextAsync(alice, roomId, "alice on bob's", "m.thread", bobsRoot);

        var all = (await Http.RoomGetV1Async(bob, roomId, "threads?include=all")).AssertOk();
        Assert.Equal([bobsRoot, repliedTo, notJoined], all.Body["chunk"].EventIds());
        var participated = (await Http.RoomGetV1Async(bob, roomId, "threads?include=participated")).AssertOk();
        Assert.Equal([bobsRoot, repliedTo], participated.Body["chunk"].EventIds());
    }

    [Fact]
    public async Task Threads_page_with_next_batch_and_a_redacted_reply_no_longer_counts()
    {
        var (alice, bob, roomId) = await RoomWithTwoAsync();
        var roots = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            roots.Add(await Http.SendTextAsync(alice, roomId, $"topic {i}"));
            await Http.SendRelatedTextAsync(bob, roomId, $"reply {i}", "m.thread", roots[^1]);
        }
        var onlyReply = await Http.SendRelatedTextAsync(bob, roomId, "late reply", "m.thread", roots[0]);
        await Http.RedactAsync(bob, roomId, onlyReply);  // roots[0] falls back to its older activity

        var page1 = (await Http.RoomGetV1Async(alice, roomId, "threads?limit=2")).AssertOk();
        Assert.Equal([roots[2], roots[1]], page1.Body["chunk"].EventIds());
        var page2 = (await Http.RoomGetV1Async(alice, roomId, $"threads?limit=2&from={page1.String("next_batch")}")).AssertOk();
        Assert.Equal([roots[0]], page2.Body["chunk"].EventIds());
        Assert.Null(page2.Body["next_batch"]);
        Assert.Equal(1, (int)page2.Body["chunk"]![0]!.BundledRelations()!["m.thread"]!["count"]!);
    }

    [Fact]
    public async Task Bad_parameters_are_M_INVALID_PARAM_and_non_members_are_M_FORBIDDEN()
    {
        var (alice, _, roomId) = await RoomWithTwoAsync();
        var stranger = await Http.RegisterAsync();

        (await Http.RoomGetV1Async(alice, roomId, "threads?from=nonsense")).AssertError(400, "M_INVALID_PARAM");
        (await Http.RoomGetV1Async(alice, roomId, "threads?include=mine")).AssertError(400, "M_INVALID_PARAM");
        (await Http.RoomGetV1Async(alice, roomId, "threads?limit=0")).AssertError(400, "M_INVALID_PARAM");
        (await Http.RoomGetV1Async(stranger, roomId, "threads")).AssertError(403, "M_FORBIDDEN");
    }
}

public sealed class SqliteThreadsTests(SqliteServer server) : ThreadsTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresThreadsTests(PostgresServer server) : ThreadsTests(server), IClassFixture<PostgresServer>;
