using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Messenger.LoadTest;

/// <summary>
/// One message into a room whose 1,000 members each long-poll /sync: time until every member has the message. Each
/// member behaves like a client's sync loop: a response without the message (woken by someone's presence, say) is
/// followed at once by the next long-poll from its <c>next_batch</c>, so the figure includes what such wake-ups cost.
/// </summary>
public static class FanoutScenario
{
    /// <summary>Element's filter: a short timeline and lazy-loaded members, so an initial sync does not carry 1,000 member events.</summary>
    private const string Filter = "{\"room\":{\"timeline\":{\"limit\":1},\"state\":{\"lazy_load_members\":true}}}";

    public static async Task RunAsync(LoadServer server, int members = 1000, int rounds = 3)
    {
        var owner = await server.RegisterAsync("fanout_owner");
        var room = await server.CreateRoomAsync(owner.Token);
        var users = new List<(string UserId, string Token)>();
        for (var i = 0; i < members; i++)
        {
            var member = await server.RegisterAsync($"fanout{i}");
            await server.JoinAsync(member.Token, room);
            users.Add(member);
        }

        if (Environment.GetEnvironmentVariable("LOADTEST_PAUSE") is { } pause)
        {
            Console.WriteLine($"fanout: set up; waiting for {pause} (pid {Environment.ProcessId})");
            while (!File.Exists(pause)) await Task.Delay(200);
        }

        using var client = server.NewClient();
        var filter = Uri.EscapeDataString(Filter);
        // Each member's client syncs once from scratch, then follows its next_batch from round to round.
        var tokens = await Task.WhenAll(users.Select(async m =>
            (string)(await server.SendAsync(HttpMethod.Get, $"/_matrix/client/v3/sync?timeout=0&filter={filter}", m.Token, client: client))["next_batch"]!));
        for (var round = 0; round < rounds; round++)
        {

            var text = $"fan-out {round}";
            var sent = new TaskCompletionSource<long>();
            var latencies = new double[members];
            var early = 0;
            var late = 0;
            var reasons = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
            var polls = users.Select(async (m, i) =>
            {
                var since = tokens[i];
                while (true)
                {
                    var response = await server.SendAsync(HttpMethod.Get, $"/_matrix/client/v3/sync?timeout=30000&filter={filter}&since={since}", m.Token, client: client);
                    var arrived = Stopwatch.GetTimestamp();
                    if (Carries(response, room, text))
                    {
                        tokens[i] = (string)response["next_batch"]!;
                        latencies[i] = Stopwatch.GetElapsedTime(await sent.Task, arrived).TotalMilliseconds;
                        return;
                    }
                    if (sent.Task.IsCompleted) Interlocked.Increment(ref late);
                    else Interlocked.Increment(ref early);
                    reasons.AddOrUpdate(Describe(response), 1, (_, c) => c + 1);
                    since = (string)response["next_batch"]!;
                }
            }).ToList();

            await Task.Delay(2000); // let every long-poll reach the server and start waiting
            var start = Stopwatch.GetTimestamp();
            sent.SetResult(start);
            await server.SendTextAsync(owner.Token, room, text);
            var acknowledged = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            await Task.WhenAll(polls);
            var all = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            Console.WriteLine($"fanout [{members:N0} long-polls, round {round}]: all have the message in {all:F0} ms (the send answered in {acknowledged:F0} ms); {Percentiles.Describe([.. latencies])}; "
                + $"responses without it: {early} before the send, {late} after");
            foreach (var (reason, count) in reasons.OrderByDescending(kv => kv.Value).Take(3)) Console.WriteLine($"   {count} without it carried: {reason}");
        }
    }

    private static bool Carries(JsonObject response, string room, string text) =>
        response["rooms"]?["join"]?[room]?["timeline"]?["events"] is JsonArray events && events.Any(e => (string?)e?["content"]?["body"] == text);

    /// <summary>What a response carried instead of the message (to tell why a long-poll returned without it).</summary>
    private static string Describe(JsonObject response)
    {
        var parts = new List<string>();
        if (response["presence"]?["events"] is JsonArray { Count: > 0 } presence) parts.Add($"presence of {(presence.Count > 5 ? "over 5" : presence.Count)}");
        if (response["device_lists"]?["changed"] is JsonArray { Count: > 0 }) parts.Add("device_lists.changed");
        if (response["to_device"]?["events"] is JsonArray { Count: > 0 }) parts.Add("to_device");
        if (response["account_data"]?["events"] is JsonArray { Count: > 0 }) parts.Add("account_data");
        if (response["rooms"]?["join"] is JsonObject { Count: > 0 }) parts.Add("a joined room");
        return parts.Count == 0 ? "nothing (timeout)" : string.Join(", ", parts);
    }
}
