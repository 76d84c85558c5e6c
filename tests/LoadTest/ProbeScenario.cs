using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Messenger.LoadTest;

/// <summary>Diagnosis: database commands (by query tag) and time of single requests, one at a time.</summary>
public static class ProbeScenario
{
    private static readonly ConcurrentDictionary<string, int> Commands = new();
    private static readonly ConcurrentDictionary<string, double> Durations = new();
    private static bool counting;
    private static bool subscribed;

    public static async Task RunAsync(LoadServer server)
    {
        var a = await server.RegisterAsync("probe_a");
        var b = await server.RegisterAsync("probe_b");
        var room = await server.CreateRoomAsync(a.Token);
        await server.JoinAsync(b.Token, room);
        for (var i = 0; i < 20; i++) await server.SendTextAsync(a.Token, room, "warm");
        await Measure("versions", 50, async () => await server.Http.GetStringAsync("/_matrix/client/versions"));
        await Measure("whoami", 50, async () => await server.SendAsync(HttpMethod.Get, "/_matrix/client/v3/account/whoami", a.Token));
        await Measure("send", 100, () => server.SendTextAsync(a.Token, room, "probe"));
        var since = (string)(await server.SendAsync(HttpMethod.Get, "/_matrix/client/v3/sync?timeout=0", b.Token))["next_batch"]!;
        await Measure("empty incremental sync", 100, async () => await server.SendAsync(HttpMethod.Get, $"/_matrix/client/v3/sync?timeout=0&since={since}", b.Token));
        var last = since;
        await Measure("send + woken sync", 20, async () =>
        {
            var poll = server.SendAsync(HttpMethod.Get, $"/_matrix/client/v3/sync?timeout=10000&since={last}", b.Token);
            await Task.Delay(30);
            await server.SendTextAsync(a.Token, room, "wake");
            last = (string)(await poll)["next_batch"]!;
        });
    }

    /// <summary>Runs <paramref name="action"/> n times (after one unmeasured run) and prints its database commands by query tag.</summary>
    public static async Task Measure(string name, int n, Func<Task> action)
    {
        if (!subscribed)
        {
            DiagnosticListener.AllListeners.Subscribe(new Observer());
            subscribed = true;
        }
        await action();
        Commands.Clear();
        Durations.Clear();
        counting = true;
        var times = new List<double>();
        for (var i = 0; i < n; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await action();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        counting = false;
        Console.WriteLine($"probe [{name}]: {Percentiles.Describe(times)}; {Commands.Values.Sum() / (double)n:F1} commands each");
        foreach (var (tag, count) in Commands.OrderByDescending(kv => Durations.GetValueOrDefault(kv.Key)).Take(40)) Console.WriteLine($"   {count / (double)n,6:F1} {Durations.GetValueOrDefault(tag) / n,8:F2} ms  {tag}");
    }

    private sealed class Observer : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
    {
        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == DbLoggerCategory.Name) value.Subscribe(this);
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (!counting) return;
            if (value.Value is TransactionEndEventData end && value.Key == RelationalEventId.TransactionCommitted.Name)
            {
                Commands.AddOrUpdate("COMMIT", 1, (_, c) => c + 1);
                Durations.AddOrUpdate("COMMIT", end.Duration.TotalMilliseconds, (_, d) => d + end.Duration.TotalMilliseconds);
                return;
            }
            if (value.Value is DataReaderDisposingEventData reading && value.Key == RelationalEventId.DataReaderDisposing.Name)
            {
                // From the command's start to the reader's end: the rows' transfer and reading too.
                var read = Tag(reading.Command.CommandText) + " (until read)";
                Durations.AddOrUpdate(read, reading.Duration.TotalMilliseconds, (_, d) => d + reading.Duration.TotalMilliseconds);
                Commands.AddOrUpdate(read, 0, (_, c) => c);
                return;
            }
            if (value.Key != RelationalEventId.CommandExecuted.Name || value.Value is not CommandExecutedEventData data) return;
            var tag = Tag(data.Command.CommandText);
            Commands.AddOrUpdate(tag, 1, (_, c) => c + 1);
            Durations.AddOrUpdate(tag, data.Duration.TotalMilliseconds, (_, d) => d + data.Duration.TotalMilliseconds);
        }

        private static string Tag(string text) =>
            text.StartsWith("-- ", StringComparison.Ordinal) ? text[3..text.IndexOf('\n')] : text.Length > 90 ? text[..90].ReplaceLineEndings(" ") : text.ReplaceLineEndings(" ");

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }
}
