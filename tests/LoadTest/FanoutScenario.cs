using System.Diagnostics;
using System.Text.Json;

namespace Messenger.LoadTest;

/// <summary>
/// One message into a room whose 1,000 members each long-poll /sync: time until every member has the message. Each
/// member behaves like a client's sync loop: a response without the message (woken by someone's presence, say) is
/// followed at once by the next long-poll from its <c>next_batch</c>, so the figure includes what such wake-ups cost.
/// A client reads each response as a <see cref="JsonDocument"/> and looks only at what it needs (the server's work is
/// unchanged): the 1,000 clients share the server's cores, where a real client's parsing would not.
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

        using var allocations = Environment.GetEnvironmentVariable("LOADTEST_ALLOCATIONS") is null ? null : new AllocationSampler();
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
                    using var response = await server.GetDocumentAsync($"/_matrix/client/v3/sync?timeout=30000&filter={filter}&since={since}", m.Token, client);
                    var arrived = Stopwatch.GetTimestamp();
                    var next = response.RootElement.GetProperty("next_batch").GetString()!;
                    if (Carries(response.RootElement, room, text))
                    {
                        tokens[i] = next;
                        latencies[i] = Stopwatch.GetElapsedTime(await sent.Task, arrived).TotalMilliseconds;
                        return;
                    }
                    if (sent.Task.IsCompleted) Interlocked.Increment(ref late);
                    else Interlocked.Increment(ref early);
                    reasons.AddOrUpdate(Describe(response.RootElement), 1, (_, c) => c + 1);
                    since = next;
                }
            }).ToList();

            await Task.Delay(2000); // let every long-poll reach the server and start waiting
            var start = Stopwatch.GetTimestamp();
            var (allocated, collections) = (GC.GetTotalAllocatedBytes(), GC.CollectionCount(0));
            if (allocations is not null) allocations.Sampling = round > 0;
            sent.SetResult(start);
            await server.SendTextAsync(owner.Token, room, text);
            var acknowledged = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            await Task.WhenAll(polls);
            var all = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (allocations is not null) allocations.Sampling = false;
            (allocated, collections) = (GC.GetTotalAllocatedBytes() - allocated, GC.CollectionCount(0) - collections);
            Console.WriteLine($"fanout [{members:N0} long-polls, round {round}]: all have the message in {all:F0} ms (the send answered in {acknowledged:F0} ms); {Percentiles.Describe([.. latencies])}; "
                + $"responses without it: {early} before the send, {late} after; {allocated / 1_000_000.0:F0} MB allocated, {collections} GCs (server and clients)");
            foreach (var (reason, count) in reasons.OrderByDescending(kv => kv.Value).Take(3)) Console.WriteLine($"   {count} without it carried: {reason}");
        }
        allocations?.Print();
    }

    private static bool Carries(JsonElement response, string room, string text) =>
        At(response, "rooms", "join", room, "timeline", "events") is { ValueKind: JsonValueKind.Array } events
        && events.EnumerateArray().Any(e => At(e, "content", "body") is { ValueKind: JsonValueKind.String } body && body.ValueEquals(text));

    /// <summary>What a response carried instead of the message (to tell why a long-poll returned without it).</summary>
    private static string Describe(JsonElement response)
    {
        var parts = new List<string>();
        if (Count(At(response, "presence", "events")) is > 0 and var presence) parts.Add($"presence of {(presence > 5 ? "over 5" : presence)}");
        if (Count(At(response, "device_lists", "changed")) > 0) parts.Add("device_lists.changed");
        if (Count(At(response, "to_device", "events")) > 0) parts.Add("to_device");
        if (Count(At(response, "account_data", "events")) > 0) parts.Add("account_data");
        if (At(response, "rooms", "join") is { ValueKind: JsonValueKind.Object } join && join.EnumerateObject().Any()) parts.Add("a joined room");
        return parts.Count == 0 ? "nothing (timeout)" : string.Join(", ", parts);
    }

    private static JsonElement? At(JsonElement element, params string[] path)
    {
        foreach (var key in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(key, out element)) return null;
        }
        return element;
    }

    private static int Count(JsonElement? array) => array is { ValueKind: JsonValueKind.Array } a ? a.GetArrayLength() : 0;
}
