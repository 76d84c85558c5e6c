using Messenger.Federation.Protocol.Events;
using Microsoft.Extensions.Caching.Memory;

namespace Messenger.Homeserver.RoomServer;

/// <summary>Parsed events by id. Events never change once persisted (redaction is applied when serving), so entries never go stale.</summary>
public sealed class EventCache
{
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 200_000 });

    public bool TryGet(string eventId, out Pdu pdu) => cache.TryGetValue(eventId, out pdu!);

    public void Add(Pdu pdu) => cache.Set(pdu.EventId, pdu, new MemoryCacheEntryOptions { Size = 1 });
}
