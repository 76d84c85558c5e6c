using System.Collections.Concurrent;
using System.Diagnostics;

namespace Messenger.LoadTest;

/// <summary>50 concurrent senders: latency percentiles and messages persisted per second, across 50 rooms and into one room.</summary>
public static class SendScenario
{
    private const int Senders = 50;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(LoadServer server)
    {
        var users = new List<(string UserId, string Token)>();
        for (var i = 0; i < Senders; i++) users.Add(await server.RegisterAsync($"sender{i}"));

        var solo = await server.CreateRoomAsync(users[0].Token);
        await RunAsync(server, "1 sender, 1 room", users.Take(1).ToList(), _ => solo);

        var ownRooms = new List<string>();
        foreach (var user in users) ownRooms.Add(await server.CreateRoomAsync(user.Token));
        await RunAsync(server, "50 senders, 50 rooms", users, i => ownRooms[i]);

        var shared = await server.CreateRoomAsync(users[0].Token);
        foreach (var user in users.Skip(1)) await server.JoinAsync(user.Token, shared);
        await RunAsync(server, "50 senders, 1 room", users, _ => shared);
    }

    private static async Task RunAsync(LoadServer server, string name, List<(string UserId, string Token)> users, Func<int, string> roomOf)
    {
        // Warm-up: JIT, connection pools, caches.
        await Task.WhenAll(users.Select((u, i) => server.SendTextAsync(u.Token, roomOf(i), "warm-up")));

        var latencies = new ConcurrentBag<double>();
        var stopwatch = Stopwatch.StartNew();
        var deadline = stopwatch.Elapsed + Duration;
        await Task.WhenAll(users.Select((user, i) => Task.Run(async () =>
        {
            var n = 0;
            while (stopwatch.Elapsed < deadline && n < 100_000)
            {
                var start = Stopwatch.GetTimestamp();
                await server.SendTextAsync(user.Token, roomOf(i), $"message {n++}");
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        })));
        var elapsed = stopwatch.Elapsed.TotalSeconds;
        Console.WriteLine($"send [{name}]: {latencies.Count / elapsed:F0} messages/s; {Percentiles.Describe([.. latencies])}");
    }
}
