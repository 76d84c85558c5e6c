using BenchmarkDotNet.Attributes;

namespace Messenger.Benchmarks.Protocol;

/// <summary>SHA-256 of 1 KB: NSec (libsodium, portable C) against the BCL (OpenSSL, SHA extensions where the CPU has them).</summary>
[MemoryDiagnoser]
public class Sha256Benchmarks
{
    private readonly byte[] _payload = Enumerable.Range(0, 1024).Select(i => (byte)i).ToArray();

    [Benchmark(Baseline = true)]
    public byte[] Libsodium() => global::NSec.Cryptography.HashAlgorithm.Sha256.Hash(_payload);

    [Benchmark]
    public byte[] Bcl() => System.Security.Cryptography.SHA256.HashData(_payload);
}
