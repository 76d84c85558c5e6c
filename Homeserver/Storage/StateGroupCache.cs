using System.Collections.Immutable;
using Messenger.Federation.Protocol.Events;
using Microsoft.Extensions.Caching.Memory;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// Full room state by state group. Groups are immutable once committed, so entries never go stale and need no
/// invalidation, in this process or across processes. Sized by state entries, so big rooms weigh what they cost.
/// </summary>
public sealed class StateGroupCache
{
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 2_000_000 });

    public bool TryGet(long groupId, out ImmutableDictionary<StateKey, string> state) => cache.TryGetValue(groupId, out state!);

    public void Set(long groupId, ImmutableDictionary<StateKey, string> state) =>
        cache.Set(groupId, state, new MemoryCacheEntryOptions { Size = Math.Max(1, state.Count) });
}
