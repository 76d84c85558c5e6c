using BenchmarkDotNet.Attributes;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Federation.Protocol.StateResolution;

namespace Messenger.Benchmarks.Protocol;

/// <summary>
/// State resolution of two forks of a room with 10,000 members and 500 conflicting state events (250 per fork, see
/// <see cref="ForkedRoom"/>), with the events preloaded as the room server does. Target: under 200 ms.
/// Room version 11 runs state resolution v2, room version 12 runs v2.1.
/// </summary>
[MemoryDiagnoser]
public class StateResolutionBenchmarks
{
    private ForkedRoom room = null!;
    private PreloadedEventSource source = null!;
    private RoomVersion version = null!;

    [Params("11", "12")]
    public string RoomVersion { get; set; } = "11";

    [GlobalSetup]
    public void Setup()
    {
        version = RoomVersions.Find(RoomVersion)!;
        room = new ForkedRoom(version, members: 10_000, changesPerFork: 250);
        source = new PreloadedEventSource(room.Events);
    }

    [Benchmark]
    public int Resolve_two_forks_10k_members_500_conflicts() =>
        StateResolver.Resolve(version, room.StateSets, source).State.Count;
}
