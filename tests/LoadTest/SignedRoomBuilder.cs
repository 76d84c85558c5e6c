using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.Keys;
using Messenger.Federation.Protocol.RoomVersions;

namespace Messenger.LoadTest;

/// <summary>A remote server's room built as real signed PDUs on a linear history, for the federation benchmarks.</summary>
public sealed class SignedRoomBuilder(string serverName, RoomVersion version)
{
    private ImmutableDictionary<StateKey, string> state = ImmutableDictionary<StateKey, string>.Empty;
    private readonly Dictionary<string, Pdu> events = new(StringComparer.Ordinal);
    private readonly List<Pdu> history = [];
    private long ts = 1_700_000_000_000;

    public ServerSigningKey Key { get; } = ServerSigningKey.Generate();
    public string ServerName { get; } = serverName;
    public string RoomId { get; } = $"!bench{Guid.NewGuid():N}:{serverName}";
    public RoomVersion Version { get; } = version;
    public IReadOnlyList<Pdu> History => history;

    public string User(string localpart) => $"@{localpart}:{ServerName}";

    /// <summary>Create, creator's join, power levels, public join rules, then <paramref name="members"/> more joins.</summary>
    public void CreateWithMembers(int members)
    {
        var creator = User("creator");
        Add(creator, EventTypes.Create, new JsonObject { ["room_version"] = Version.Id, ["creator"] = creator }, "");
        Add(creator, EventTypes.Member, new JsonObject { ["membership"] = "join" }, creator);
        Add(creator, EventTypes.PowerLevels, new JsonObject { ["users"] = new JsonObject { [creator] = 100 } }, "");
        Add(creator, EventTypes.JoinRules, new JsonObject { ["join_rule"] = "public" }, "");
        for (var i = 0; i < members; i++)
        {
            var member = User("m" + i);
            Add(member, EventTypes.Member, new JsonObject { ["membership"] = "join", ["displayname"] = "Member " + i }, member);
        }
    }

    /// <summary>Builds and signs an event on the last one (or a given signer's key for a join of another server's user).</summary>
    public Pdu Add(string sender, string type, JsonObject content, string? stateKey = null, string? signer = null, ServerSigningKey? key = null)
    {
        var authEvents = AuthEventSelector.Select(Version, type, sender, stateKey, content).Select(k => state.GetValueOrDefault(k)).OfType<string>().ToList();
        var draft = new EventDraft
        {
            Type = type, Sender = sender, StateKey = stateKey, Content = content, RoomId = RoomId,
            PrevEvents = history.Count == 0 ? [] : [history[^1].EventId], AuthEvents = authEvents,
            Depth = history.Count + 1, OriginServerTs = ts++,
        };
        var built = PduBuilder.Build(draft, Version, signer ?? ServerName, key ?? Key);
        if (!built.IsSuccess) throw new InvalidOperationException(built.Error);
        var pdu = built.Value;
        events[pdu.EventId] = pdu;
        history.Add(pdu);
        if (pdu.StateTuple is { } k) state = state.SetItem(k, pdu.EventId);
        return pdu;
    }

    /// <summary>The current state's events and their auth chain, as send_join returns them.</summary>
    public (List<JsonObject> State, List<JsonObject> AuthChain) StateAndAuthChain()
    {
        var stateEvents = state.Values.Select(id => events[id]).ToList();
        var chain = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(stateEvents.SelectMany(e => e.AuthEventIds));
        while (pending.TryPop(out var id))
        {
            if (chain.Add(id)) foreach (var next in events[id].AuthEventIds) pending.Push(next);
        }
        return ([.. stateEvents.Select(e => e.Json.DeepClone().AsObject())], [.. chain.Select(id => events[id].Json.DeepClone().AsObject())]);
    }
}
