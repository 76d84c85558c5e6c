using System.Collections.Concurrent;
using System.Diagnostics;

namespace Messenger.LoadTest;

/// <summary>
/// 50 concurrent senders. Throughput: each sender sends its next message as soon as the previous one is answered
/// (closed loop), across 50 rooms and into one room — messages persisted per second. Latency: 50 senders each send at
/// a fixed pace (open loop, as people type), so the figure is a send's own time and not the queue a saturating
/// closed loop builds (there, p50 is simply senders / throughput).
/// </summary>
public static class SendScenario
{
    private const int Senders = 50;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(3);
    private const int MaxWarmUpRounds = 10;
    private static readonly int[] PacedRates = [100, 200];

    /// <summary>Runs every phase, or with <paramref name="phase"/> only those whose name contains it (<c>--phase "senders, 1 room"</c>).</summary>
    public static async Task RunAsync(LoadServer server, string? phase = null)
    {
        bool Runs(string name) => phase is null || name.Contains(phase, StringComparison.Ordinal);
        var users = new List<(string UserId, string Token)>();
        for (var i = 0; i < Senders; i++) users.Add(await server.RegisterAsync($"sender{i}"));

        if (Runs("1 sender, 1 room"))
        {
            var solo = await server.CreateRoomAsync(users[0].Token);
            await RunAsync(server, "1 sender, 1 room", users.Take(1).ToList(), _ => solo, pace: null);
        }

        var ownRooms = new List<string>();
        if (Runs("50 senders, 50 rooms"))
        {
            foreach (var user in users) ownRooms.Add(await server.CreateRoomAsync(user.Token));
            await RunAsync(server, "50 senders, 50 rooms", users, i => ownRooms[i], pace: null);
        }
        foreach (var rate in PacedRates)
        {
            var name = $"50 senders, 50 rooms, paced {rate} messages/s in all";
            if (!Runs(name)) continue;
            if (ownRooms.Count == 0) foreach (var user in users) ownRooms.Add(await server.CreateRoomAsync(user.Token));
            await RunAsync(server, name, users, i => ownRooms[i], pace: TimeSpan.FromSeconds((double)Senders / rate));
        }

        if (Runs("50 senders, 1 room"))
        {
            var shared = await server.CreateRoomAsync(users[0].Token);
            foreach (var user in users.Skip(1)) await server.JoinAsync(user.Token, shared);
            await RunAsync(server, "50 senders, 1 room", users, _ => shared, pace: null);
        }
    }

    private static async Task RunAsync(LoadServer server, string name, List<(string UserId, string Token)> users, Func<int, string> roomOf, TimeSpan? pace)
    {
        // Steady state is what a long-running server sees: warm up (JIT — tiered compilation recompiles hot methods
        // for many seconds after they first run —, connection pools, caches) until the JIT has nearly stopped.
        // Without it a 10 s run measures the JIT as much as the server.
        for (var round = 0; round < MaxWarmUpRounds; round++)
        {
            var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
            await SendForAsync(server, users, roomOf, WarmUp, pace, null);
            if (System.Runtime.JitInfo.GetCompiledMethodCount() - compiled < 50) break;
        }

        Console.WriteLine($"send [{name}]: warm, measuring for {Duration.TotalSeconds:F0} s");
        var latencies = new ConcurrentBag<double>();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var jitBefore = (Methods: System.Runtime.JitInfo.GetCompiledMethodCount(), Time: System.Runtime.JitInfo.GetCompilationTime());
        var stopwatch = Stopwatch.StartNew();
        await SendForAsync(server, users, roomOf, Duration, pace, latencies);
        var elapsed = stopwatch.Elapsed.TotalSeconds;
        // CPU of the whole process (server and the load clients) per message: on 2 cores the throughput ceiling is
        // about 2,000 ms / this figure, whatever the locks do.
        var cpuPerMessage = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / latencies.Count;
        var jit = $"JIT meanwhile: {System.Runtime.JitInfo.GetCompiledMethodCount() - jitBefore.Methods} methods, "
            + $"{(System.Runtime.JitInfo.GetCompilationTime() - jitBefore.Time).TotalMilliseconds:F0} ms";
        Console.WriteLine($"send [{name}]: {latencies.Count / elapsed:F0} messages/s, {cpuPerMessage:F2} ms CPU each (server and clients; {jit}); "
            + Percentiles.Describe([.. latencies]));
    }

    /// <summary>
    /// Each user sends into its room for <paramref name="duration"/>: one message after another, or with
    /// <paramref name="pace"/> one message per interval from a random start (a late message is sent at once).
    /// </summary>
    private static Task SendForAsync(LoadServer server, List<(string UserId, string Token)> users, Func<int, string> roomOf, TimeSpan duration,
        TimeSpan? pace, ConcurrentBag<double>? latencies)
    {
        var stopwatch = Stopwatch.StartNew();
        return Task.WhenAll(users.Select((user, i) => Task.Run(async () =>
        {
            var n = 0;
            var next = pace is { } p ? p * Random.Shared.NextDouble() : TimeSpan.Zero;
            while (stopwatch.Elapsed < duration && n < 100_000)
            {
                if (pace is { } interval)
                {
                    if (next > stopwatch.Elapsed) await Task.Delay(next - stopwatch.Elapsed);
                    next += interval;
                }
                var start = Stopwatch.GetTimestamp();
                await server.SendTextAsync(user.Token, roomOf(i), $"message {n++}");
                latencies?.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        })));
    }
}
