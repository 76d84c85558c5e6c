namespace Messenger.LoadTest;

/// <summary>Latency summary of a run.</summary>
public static class Percentiles
{
    public static string Describe(List<double> millis)
    {
        if (millis.Count == 0) return "no samples";
        millis.Sort();
        double At(double p) => millis[Math.Min(millis.Count - 1, (int)Math.Ceiling(p * millis.Count) - 1)];
        return $"p50 {At(0.50):F2} ms, p90 {At(0.90):F2} ms, p99 {At(0.99):F2} ms, max {millis[^1]:F2} ms ({millis.Count} samples)";
    }
}
