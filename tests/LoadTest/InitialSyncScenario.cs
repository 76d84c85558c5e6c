using System.Diagnostics;

namespace Messenger.LoadTest;

/// <summary>Initial sync of a user in 100 rooms with 50 messages each.</summary>
public static class InitialSyncScenario
{
    public static async Task RunAsync(LoadServer server)
    {
        var user = await server.RegisterAsync("initial_sync_user");
        for (var r = 0; r < 100; r++)
        {
            var room = await server.CreateRoomAsync(user.Token);
            await Task.WhenAll(Enumerable.Range(0, 5).Select(async part =>
            {
                for (var m = part; m < 50; m += 5) await server.SendTextAsync(user.Token, room, $"message {m}");
            }));
        }

        var samples = new List<double>();
        for (var i = 0; i < 6; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var sync = await server.SendAsync(HttpMethod.Get, "/_matrix/client/v3/sync?timeout=0", user.Token);
            var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (sync["rooms"]!["join"]!.AsObject().Count != 100) throw new InvalidOperationException("initial sync did not list the 100 rooms");
            if (i > 0) samples.Add(ms); // the first run warms caches and the JIT
        }
        Console.WriteLine($"initial-sync [100 rooms x 50 messages]: {Percentiles.Describe(samples)}");
    }
}
