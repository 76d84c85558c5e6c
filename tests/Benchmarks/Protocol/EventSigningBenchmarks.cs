using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.Json;
using Messenger.Federation.Protocol.Keys;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Federation.Protocol.Signing;

namespace Messenger.Benchmarks.Protocol;

/// <summary>
/// The per-event cost of the protocol core on a ~1 KB message event. Targets: canonicalise + content hash + redact +
/// sign (<see cref="HashAndSign"/>) under 50 µs; checking one Ed25519 signature (<see cref="VerifySignature"/>) under 100 µs.
/// </summary>
[MemoryDiagnoser]
public class EventSigningBenchmarks
{
    private readonly ServerSigningKey _key = ServerSigningKey.FromSeed("bench", Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
    private JsonObject _event = null!;
    private JsonObject _redacted = null!;
    private byte[] _canonical = null!;
    private byte[] _signature = null!;
    private VerifyKeyLookup _keys = null!;
    private Pdu _pdu = null!;

    [GlobalSetup]
    public void Setup()
    {
        _event = SampleMessageEvent.Create();
        EventSigning.HashAndSign(_event, RoomVersions.V10, "matrix.example", _key);
        _redacted = Redactor.Redact(_event, RoomVersions.V10);
        _canonical = CanonicalJson.Encode(_event, ["signatures", "unsigned"]).Bytes!;
        _signature = _key.Sign(_canonical);
        var known = new ServerVerifyKey(_key.VerifyKey);
        _keys = (server, keyId) => server == "matrix.example" && keyId == _key.KeyId ? known : null;
        _pdu = PduFormat.Parse(_event, RoomVersions.V10).Value!;
        if (_canonical.Length is < 900 or > 1300) throw new InvalidOperationException($"sample event is {_canonical.Length} bytes, not ~1 KB");
    }

    /// <summary>Canonical JSON of the whole event (the size check and the first step of hashing).</summary>
    [Benchmark]
    public int Canonicalise() => CanonicalJson.Encode(_event).Bytes!.Length;

    /// <summary>Canonical JSON without unsigned/signatures/hashes, then SHA-256.</summary>
    [Benchmark]
    public byte[] ContentHash() => EventHashes.ContentHash(_event, RoomVersions.V10).Value!;

    /// <summary>The redacted copy that signatures cover.</summary>
    [Benchmark]
    public int Redact() => Redactor.Redact(_event, RoomVersions.V10).Count;

    /// <summary>Content hash, redaction, canonical JSON of the redacted event and its Ed25519 signature: what every local event costs.</summary>
    [Benchmark]
    public string HashAndSign() => EventSigning.HashAndSign(_event, RoomVersions.V10, "matrix.example", _key).Signature!;

    /// <summary>Reference hash to event id (v4+ URL-safe).</summary>
    [Benchmark]
    public string EventId() => EventIds.Compute(_event, RoomVersions.V10).Value!;

    /// <summary>One Ed25519 verification over the ~1 KB canonical bytes.</summary>
    [Benchmark]
    public bool VerifySignature() => _key.VerifyKey.Verify(_canonical, _signature);

    /// <summary>Canonicalise the redacted event and check the server's signature on it, as receipt does.</summary>
    [Benchmark]
    public bool VerifySignedJson() => JsonSignatures.Verify(_redacted, "matrix.example", _keys).IsValid;

    /// <summary>Steps 2–3 of receipt: redact, verify the sender's signature, recompute and compare the content hash.</summary>
    [Benchmark]
    public PduVerdict VerifyReceivedPdu() => PduVerification.Verify(_pdu, _keys).Verdict;
}
