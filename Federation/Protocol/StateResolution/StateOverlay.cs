using Messenger.Federation.Protocol.Events;

namespace Messenger.Federation.Protocol.StateResolution;

/// <summary>
/// A room state being resolved: a read-only base (the unconflicted state, nothing, or another overlay) with the
/// accepted changes on top. The base is never copied, so resolving a few hundred conflicts in a room with many
/// thousand members stays cheap, and a scratch layer lets v1 try events without touching the state under it.
/// </summary>
internal sealed class StateOverlay
{
    public static readonly IReadOnlyDictionary<StateKey, string> Empty = new Dictionary<StateKey, string>();

    private readonly IReadOnlyDictionary<StateKey, string>? baseState;
    private readonly StateOverlay? parent;

    public StateOverlay(IReadOnlyDictionary<StateKey, string> baseState) => this.baseState = baseState;

    public StateOverlay(StateOverlay parent) => this.parent = parent;

    public Dictionary<StateKey, string> Changes { get; } = [];

    public bool TryGet(StateKey key, out string eventId) =>
        Changes.TryGetValue(key, out eventId!)
        || (parent is not null ? parent.TryGet(key, out eventId) : baseState!.TryGetValue(key, out eventId!));

    public void Set(StateKey key, string eventId) => Changes[key] = eventId;
}
