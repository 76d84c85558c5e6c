using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Messenger.LoadTest;

/// <summary>One message into a room whose 1,000 members each long-poll /sync: time until all 1,000 responses are back.</summary>
public static class FanoutScenario
{
    private const int Members = 1000;

    public static async Task RunAsync(LoadServer server)
    {
        var owner = await server.RegisterAsync("fanout_owner");
        var room = await server.CreateRoomAsync(owner.Token);
        var members = new List<(string UserId, string Token)>();
        for (var i = 0; i < Members; i++)
        {
            var member = await server.RegisterAsync($"fanout{i}");
            await server.JoinAsync(member.Token, room);
            members.Add(member);
        }

        using var client = server.NewClient();
        for (var round = 0; round < 3; round++)
        {
            var tokens = await Task.WhenAll(members.Select(async m =>
                (string)(await server.SendAsync(HttpMethod.Get, "/_matrix/client/v3/sync?timeout=0&filter=" + Uri.EscapeDataString("{\"room\":{\"timeline\":{\"limit\":1}}}"), m.Token, client: client))["next_batch"]!));

            var sent = new TaskCompletionSource<long>();
            var latencies = new double[Members];
            var polls = members.Select(async (m, i) =>
            {
                var response = await server.SendAsync(HttpMethod.Get, $"/_matrix/client/v3/sync?timeout=30000&since={tokens[i]}", m.Token, client: client);
                var arrived = Stopwatch.GetTimestamp();
                latencies[i] = Stopwatch.GetElapsedTime(await sent.Task, arrived).TotalMilliseconds;
                return response["rooms"]?["join"]?[room] is JsonObject;
            }).ToList();

            await Task.Delay(2000); // let every long-poll reach the server and start waiting
            var start = Stopwatch.GetTimestamp();
            sent.SetResult(start);
            await server.SendTextAsync(owner.Token, room, $"fan-out {round}");
            var delivered = await Task.WhenAll(polls);
            var all = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            Console.WriteLine($"fanout [1,000 long-polls, round {round}]: all responses in {all:F0} ms, {delivered.Count(d => d)} carried the message; {Percentiles.Describe([.. latencies])}");
        }
    }
}
