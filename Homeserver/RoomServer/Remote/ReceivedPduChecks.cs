using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Federation.Protocol.Signing;

namespace Messenger.Homeserver.RoomServer.Remote;

/// <summary>
/// Steps 1–3 of "Checks performed on receipt of a PDU", for many events at once: the room version's format (else
/// dropped), the room (else dropped), the signatures of the sender's server and, in v1–2, of the event id's server
/// (else dropped), then the content hash (else continue with the redacted event). The keys of all the events are
/// fetched together first. A v8+ join naming <c>join_authorised_via_users_server</c> also needs that server's signature,
/// which the auth rules check (step 4), so it is only recorded here.
/// </summary>
public sealed class ReceivedPduChecks(IPduKeySource keys, RoomServerContext context)
{
    public async Task<List<CheckedPdu>> CheckAsync(IReadOnlyList<JsonObject> received, RoomVersion version, string roomId, CancellationToken ct)
    {
        var parsed = new List<CheckedPdu>(received.Count);
        var wanted = new HashSet<ServerKeyId>();
        var formats = InParallel(received, json => PduFormat.Parse(json, version));
        for (var n = 0; n < received.Count; n++)
        {
            var json = received[n];
            var result = formats[n]!;
            if (!result.IsSuccess)
            {
                parsed.Add(new CheckedPdu(null, new IngestResult(ComputableEventId(json, version), IngestOutcome.Dropped, "invalid event: " + result.Error)));
                continue;
            }
            var pdu = result.Value;
            var eventRoom = pdu.RoomId.Length > 0 ? pdu.RoomId : RoomId.FromCreateEventId(pdu.EventId).Value;
            if (eventRoom != roomId)
            {
                parsed.Add(new CheckedPdu(null, new IngestResult(pdu.EventId, IngestOutcome.Dropped, $"event is in room {eventRoom}, not {roomId}")));
                continue;
            }
            foreach (var server in SigningServers(pdu))
            {
                if (json["signatures"]?[server] is not JsonObject signatures) continue;
                foreach (var (keyId, _) in signatures) wanted.Add(new ServerKeyId(server, keyId));
            }
            parsed.Add(new CheckedPdu(pdu, null));
        }

        // Our own key is never fetched: events we signed (our users' joins coming back in a send_join) check against it.
        var own = new ServerKeyId(context.ServerName, context.SigningKey.KeyId);
        var ownKey = new ServerVerifyKey(context.SigningKey.VerifyKey);
        wanted.Remove(own);
        var validUntil = version.EnforceKeyValidity ? parsed.Where(c => c.Pdu is not null).Select(c => c.Pdu!.OriginServerTs).DefaultIfEmpty(0).Max() : 0;
        var found = wanted.Count == 0 ? new Dictionary<ServerKeyId, ServerVerifyKey>() : await keys.GetKeysAsync(wanted, validUntil, ct);
        VerifyKeyLookup lookup = (server, keyId) => server == own.ServerName && keyId == own.KeyId ? ownKey : found.GetValueOrDefault(new ServerKeyId(server, keyId));
        var verifications = InParallel(parsed.Select(c => c.Pdu).ToList(), p => PduVerification.Verify(p, lookup));
        for (var i = 0; i < parsed.Count; i++)
        {
            if (parsed[i].Pdu is not { } pdu) continue;
            var verification = verifications[i]!;
            if (verification.Verdict == PduVerdict.Dropped)
            {
                parsed[i] = new CheckedPdu(null, new IngestResult(pdu.EventId, IngestOutcome.Dropped, "signatures: " + verification.Reason));
                continue;
            }
            var checkedPdu = verification.Pdu!;
            var authorising = AuthEventSelector.AuthorisingServer(checkedPdu);
            parsed[i] = new CheckedPdu(checkedPdu, null, authorising is null || PduSignatures.IsSignedBy(checkedPdu, authorising, lookup));
        }
        return parsed;
    }

    /// <summary>
    /// Hashing and Ed25519 verification of each event are independent and pure: a join's thousands of events are spread
    /// over the cores. The same JSON object given twice is worked on once (a JSON node is not safe to read from two threads).
    /// </summary>
    private static TResult?[] InParallel<TItem, TResult>(IReadOnlyList<TItem?> items, Func<TItem, TResult> work) where TItem : class
    {
        var results = new TResult?[items.Count];
        if (items.Count < ParallelThreshold)
        {
            for (var i = 0; i < items.Count; i++) results[i] = items[i] is { } item ? work(item) : default;
            return results;
        }
        var first = new Dictionary<TItem, int>(ReferenceEqualityComparer.Instance);
        var distinct = new List<int>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is { } item && first.TryAdd(item, i)) distinct.Add(i);
        }
        Parallel.ForEach(Partitioner.Create(0, distinct.Count, Math.Max(ParallelThreshold, distinct.Count / (Environment.ProcessorCount * 4))),
            range =>
            {
                for (var k = range.Item1; k < range.Item2; k++) results[distinct[k]] = work(items[distinct[k]]!);
            });
        for (var i = 0; i < items.Count; i++) results[i] = items[i] is { } item ? results[first[item]] : default;
        return results;
    }

    /// <summary>
    /// The id a malformed PDU goes by, if it has one we can work out: its reference hash (v3+), or a well-formed
    /// <c>event_id</c> (v1–2). Otherwise it gets no entry in the transaction's results: a made-up id would answer for
    /// an event that does not exist.
    /// </summary>
    public static string? ComputableEventId(JsonObject json, RoomVersion version)
    {
        try
        {
            return EventIds.Compute(json, version) is { IsSuccess: true } id ? id.Value : null;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            // Redaction and canonical JSON of a malformed event (e.g. content not an object) may refuse it.
            return null;
        }
    }

    /// <summary>Below this many events the work stays on the calling thread.</summary>
    private const int ParallelThreshold = 16;

    private static IEnumerable<string> SigningServers(Pdu pdu)
    {
        foreach (var server in PduSignatures.RequiredServers(pdu)) yield return server;
        if (AuthEventSelector.AuthorisingServer(pdu) is { } authorising) yield return authorising;
    }
}
