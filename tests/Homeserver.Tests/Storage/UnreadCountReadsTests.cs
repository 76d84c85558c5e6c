using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.Tests.Storage;

/// <summary>
/// One room's unread counts are read once for the syncs asking at the same time (<see cref="UnreadCountReads"/>). A read
/// may only answer the users who joined it before it started: a read already running when a sync asks could predate
/// that sync's window, so the sync waits for the next read.
/// </summary>
public sealed class UnreadCountReadsTests
{
    private const string Room = "!room:test";

    /// <summary>A read the test finishes by hand, recording whom it was for.</summary>
    private sealed class ManualRead
    {
        public List<(string[] Users, long UpTo, TaskCompletionSource<string> Done)> Calls { get; } = [];

        public Task<string> ReadAsync(IReadOnlyCollection<string> users, long upTo)
        {
            var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (Calls) Calls.Add(([.. users.Order(StringComparer.Ordinal)], upTo, done));
            return done.Task;
        }

        public async Task<(string[] Users, long UpTo, TaskCompletionSource<string> Done)> CallAsync(int index)
        {
            for (var i = 0; i < 500; i++)
            {
                lock (Calls) if (Calls.Count > index) return Calls[index];
                await Task.Delay(10);
            }
            throw new TimeoutException($"read {index} never started");
        }
    }

    [Fact]
    public async Task Users_asking_while_a_read_runs_share_the_next_read_which_starts_after_they_asked()
    {
        var reads = new UnreadCountReads();
        var manual = new ManualRead();
        var first = reads.ReadAsync(Room, "@a:test", 10, manual.ReadAsync);
        var running = await manual.CallAsync(0);
        Assert.Equal(["@a:test"], running.Users);

        var others = new[] { ("@b:test", 12L), ("@c:test", 11L), ("@d:test", 14L) }.Select(u => reads.ReadAsync(Room, u.Item1, u.Item2, manual.ReadAsync)).ToList();
        await Task.Delay(50);
        Assert.Single(manual.Calls); // none of them is answered by the read that began before they asked
        Assert.All(others, o => Assert.False(o.IsCompleted));

        running.Done.SetResult("first");
        Assert.Equal("first", await first);
        var next = await manual.CallAsync(1);
        Assert.Equal(["@b:test", "@c:test", "@d:test"], next.Users);
        Assert.Equal(11, next.UpTo); // the earliest window's end among them
        next.Done.SetResult("second");
        Assert.All(await Task.WhenAll(others), r => Assert.Equal("second", r));
        Assert.Equal(2, manual.Calls.Count);
    }

    [Fact]
    public async Task Rooms_are_read_apart_and_a_lone_user_reads_at_once()
    {
        var reads = new UnreadCountReads();
        var manual = new ManualRead();
        var one = reads.ReadAsync("!one:test", "@a:test", 5, manual.ReadAsync);
        var two = reads.ReadAsync("!two:test", "@a:test", 5, manual.ReadAsync);
        (await manual.CallAsync(0)).Done.SetResult("one");
        (await manual.CallAsync(1)).Done.SetResult("two");
        Assert.Equal(("one", "two"), (await one, await two));

        // Nothing running any more: the next asker starts its own read straight away.
        var again = reads.ReadAsync("!one:test", "@b:test", 6, manual.ReadAsync);
        var call = await manual.CallAsync(2);
        Assert.Equal(["@b:test"], call.Users);
        call.Done.SetResult("again");
        Assert.Equal("again", await again);
    }

    [Fact]
    public async Task When_a_shared_read_fails_its_runner_sees_the_error_the_others_ask_alone_and_the_room_reads_on()
    {
        var reads = new UnreadCountReads();
        var manual = new ManualRead();
        var first = reads.ReadAsync(Room, "@a:test", 1, manual.ReadAsync);
        var running = await manual.CallAsync(0);
        var runner = reads.ReadAsync(Room, "@b:test", 1, manual.ReadAsync);
        var waiter = reads.ReadAsync(Room, "@c:test", 1, manual.ReadAsync);
        running.Done.SetResult("first");
        await first;

        (await manual.CallAsync(1)).Done.SetException(new InvalidOperationException("database gone"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => runner);
        Assert.Null(await waiter);

        var later = reads.ReadAsync(Room, "@d:test", 2, manual.ReadAsync);
        (await manual.CallAsync(2)).Done.SetResult("later");
        Assert.Equal("later", await later);
    }
}
