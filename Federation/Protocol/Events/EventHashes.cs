using System.Buffers;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Json;
using Messenger.Federation.Protocol.RoomVersions;
using NSec.Cryptography;

namespace Messenger.Federation.Protocol.Events;

/// <summary>
/// The two SHA-256 hashes of an event (server-server API, "Calculating the content hash for an event" and
/// "Calculating the reference hash for an event").
/// </summary>
public static class EventHashes
{
    private static readonly string[] ContentHashExcluded = ["unsigned", "signatures", "hashes"];
    private static readonly string[] ReferenceHashExcluded = ["signatures", "unsigned"];

    /// <summary>How strictly a room version's events are encoded: v6+ enforce the integer range, older ones cannot.</summary>
    public static CanonicalNumbers NumbersFor(RoomVersion version) =>
        version.StrictCanonicalJson ? CanonicalNumbers.Strict : CanonicalNumbers.AllowLargeIntegers;

    /// <summary>SHA-256 of the canonical event without <c>unsigned</c>, <c>signatures</c> and <c>hashes</c>: covers the unredacted content.</summary>
    public static Result<byte[]> ContentHash(JsonObject ev, RoomVersion version) =>
        Hash(ev, ContentHashExcluded, NumbersFor(version));

    /// <summary>SHA-256 of the canonical redacted event without <c>signatures</c> and <c>unsigned</c>: the basis of v3+ event ids.</summary>
    public static Result<byte[]> ReferenceHash(JsonObject ev, RoomVersion version) =>
        Hash(Redactor.Redact(ev, version), ReferenceHashExcluded, NumbersFor(version));

    private static Result<byte[]> Hash(JsonObject obj, ReadOnlySpan<string> excluded, CanonicalNumbers numbers)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        var error = CanonicalJson.TryWrite(obj, buffer, excluded, numbers);
        if (error is not null) return Result<byte[]>.Failure(error);
        return HashAlgorithm.Sha256.Hash(buffer.WrittenSpan);
    }
}
