using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Messenger.LoadTest;

/// <summary>
/// Diagnosis (<c>LOADTEST_ALLOCATIONS=1</c>): the runtime's allocation samples (one per ~100 KB allocated) counted by
/// type while <see cref="Sampling"/> is on, so a scenario can tell which types its hot path allocates most.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> bytesByType = new();

    public bool Sampling { get; set; }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!Sampling || e.EventName != "GCAllocationTick_V4" || e.Payload is null) return;
        var type = e.PayloadNames!.IndexOf("TypeName") is var t and >= 0 ? e.Payload[t] as string ?? "?" : "?";
        var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(e.Payload[a], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        bytesByType.AddOrUpdate(type, amount, (_, sum) => sum + amount);
    }

    public void Print(int top = 25)
    {
        var total = bytesByType.Values.Sum();
        Console.WriteLine($"allocation samples: {total / 1_000_000.0:F1} MB sampled");
        foreach (var (type, bytes) in bytesByType.OrderByDescending(kv => kv.Value).Take(top))
            Console.WriteLine($"   {100.0 * bytes / total,5:F1}% {type}");
    }
}
