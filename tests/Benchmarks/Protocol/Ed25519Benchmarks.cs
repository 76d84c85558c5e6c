using BenchmarkDotNet.Attributes;
using Messenger.Federation.Protocol.Keys;

namespace Messenger.Benchmarks.Protocol;

/// <summary>Raw Ed25519 signing of a 1 KB payload: the floor under every event we sign.</summary>
[MemoryDiagnoser]
public class Ed25519Benchmarks
{
    private readonly ServerSigningKey _key = ServerSigningKey.FromSeed("bench", new byte[32]);
    private readonly byte[] _payload = new byte[1024];

    [Benchmark]
    public byte[] Sign_1KB() => _key.Sign(_payload);
}
