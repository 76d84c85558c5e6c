using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Messenger.LoadTest;

/// <summary>
/// Initial sync of a user in 100 rooms with 50 messages each (issue #4: under 150 ms). Every sample is a fresh
/// since-less <c>/sync</c>; the clock stops when the whole body has arrived, and the answer is checked after that
/// (parsing it is the client's work, on its own machine). Each
/// phase first syncs until tiered compilation has nearly stopped.
/// </summary>
public static class InitialSyncScenario
{
    /// <summary>Element's filter: a short timeline and lazy-loaded members.</summary>
    private const string LazyFilter = """{"room":{"state":{"lazy_load_members":true},"timeline":{"limit":20}}}""";

    public static async Task RunAsync(LoadServer server, int samples, bool probe)
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

        if (probe)
        {
            await ProbeScenario.Measure("initial sync", 5, () => SyncAsync(server, user.Token, "/_matrix/client/v3/sync?timeout=0"));
            await ProbeScenario.Measure("initial sync, lazy-loading filter", 5,
                () => SyncAsync(server, user.Token, $"/_matrix/client/v3/sync?timeout=0&filter={Uri.EscapeDataString(LazyFilter)}"));
            return;
        }
        await Measure(server, user.Token, "/_matrix/client/v3/sync?timeout=0", "initial-sync [100 rooms x 50 messages]", samples);
        await Measure(server, user.Token, $"/_matrix/client/v3/sync?timeout=0&filter={Uri.EscapeDataString(LazyFilter)}",
            "initial-sync [100 rooms x 50 messages, lazy-loading filter]", samples);
    }

    private static async Task Measure(LoadServer server, string token, string path, string name, int samples)
    {
        // Steady state, as a long-running server sees it: sync until tiered compilation has nearly stopped.
        // Tier-up waits while new methods are still being compiled, so one quiet round is not enough: two in a row.
        for (int round = 0, quiet = 0; round < 30 && quiet < 2; round++)
        {
            var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
            for (var i = 0; i < 5; i++) await SyncAsync(server, token, path);
            quiet = System.Runtime.JitInfo.GetCompiledMethodCount() - compiled < 10 ? quiet + 1 : 0;
        }

        Console.WriteLine($"{name}: warm, measuring {samples} syncs");
        var times = new List<double>();
        var bytes = 0;
        var jit = System.Runtime.JitInfo.GetCompiledMethodCount();
        var cpu = Environment.CpuUsage.TotalTime;
        for (var i = 0; i < samples; i++)
        {
            var (ms, length) = await SyncAsync(server, token, path);
            times.Add(ms);
            bytes = length;
        }
        var cpuEach = (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds / samples;
        Console.WriteLine($"{name}: {Percentiles.Describe(times)}, {bytes / 1024} KiB, {cpuEach:F1} ms CPU each (server and client; "
            + $"JIT meanwhile: {System.Runtime.JitInfo.GetCompiledMethodCount() - jit} methods)");
    }

    /// <summary>One fresh initial sync: the time until its whole body has arrived, then the check that it lists the 100 rooms.</summary>
    private static async Task<(double Millis, int Bytes)> SyncAsync(LoadServer server, string token, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var start = Stopwatch.GetTimestamp();
        using var response = await server.Http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        response.EnsureSuccessStatusCode();
        using var sync = JsonDocument.Parse(body);
        if (sync.RootElement.GetProperty("rooms").GetProperty("join").EnumerateObject().Count() != 100)
            throw new InvalidOperationException("initial sync did not list the 100 rooms");
        return (ms, body.Length);
    }
}
