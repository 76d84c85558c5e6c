using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Encoding;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Federation.Protocol.StateResolution;

namespace Messenger.Homeserver.Tests.RemoteRooms;

/// <summary>
/// A room's DAG as remote servers see it, built in the test with the protocol core: each event is a real signed PDU
/// on chosen prev events (default: the fake's forward extremities), with auth events chosen from the state before it
/// (resolved with the room version's algorithm where branches merge), so tests can fork and merge at will.
/// </summary>
public sealed class FakeRoom
{
    private readonly Dictionary<string, Pdu> events = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ImmutableDictionary<StateKey, string>> stateAfter = new(StringComparer.Ordinal);
    private readonly List<string> extremities = [];
    private long clock = 1_700_000_000_000;

    private FakeRoom(RoomVersion version, string roomId)
    {
        Version = version;
        RoomId = roomId;
    }

    public RoomVersion Version { get; }
    public string RoomId { get; private set; }
    public IReadOnlyList<string> Extremities => extremities;

    /// <summary>A public room created by <paramref name="creator"/>: create, creator's join, power levels (creator 100, <paramref name="users"/> extra), public join rules, shared history.</summary>
    public static FakeRoom Create(FakeRemoteServer server, string creator, string versionId = "10", JsonObject? users = null)
    {
        var version = RoomVersions.Find(versionId)!;
        var room = new FakeRoom(version, version.RoomIdFromCreateEvent ? "" : $"!{Guid.NewGuid():N}:{server.Name}");
        var createContent = new JsonObject { ["room_version"] = versionId };
        if (!version.RoomIdFromCreateEvent) createContent["creator"] = creator;
        var create = room.Add(server, creator, EventTypes.Create, createContent, "");
        if (version.RoomIdFromCreateEvent) room.RoomId = Messenger.Federation.Protocol.Identifiers.RoomId.FromCreateEventId(create.EventId).Value;
        room.Add(server, creator, EventTypes.Member, new JsonObject { ["membership"] = "join" }, creator);
        var levels = users?.DeepClone().AsObject() ?? [];
        if (!version.RoomIdFromCreateEvent) levels[creator] = 100;
        room.Add(server, creator, EventTypes.PowerLevels, new JsonObject { ["users"] = levels }, "");
        room.Add(server, creator, EventTypes.JoinRules, new JsonObject { ["join_rule"] = "public" }, "");
        room.Add(server, creator, "m.room.history_visibility", new JsonObject { ["history_visibility"] = "shared" }, "");
        return room;
    }

    public Pdu this[string eventId] => events[eventId];

    /// <summary>The event with this id, if the room has it.</summary>
    public Pdu? Find(string eventId) => events.GetValueOrDefault(eventId);

    /// <summary>Builds, signs and records an event on <paramref name="prevEvents"/> (default: the current extremities).</summary>
    public Pdu Add(FakeRemoteServer server, string sender, string type, JsonObject content, string? stateKey = null, IReadOnlyList<string>? prevEvents = null)
    {
        var prevs = prevEvents ?? [.. extremities];
        var before = StateBefore(prevs);
        var authEvents = AuthEventSelector.Select(Version, type, sender, stateKey, content)
            .Select(key => before.GetValueOrDefault(key)).OfType<string>().ToList();
        var draft = new EventDraft
        {
            Type = type, Sender = sender, StateKey = stateKey, Content = content,
            RoomId = type == EventTypes.Create && Version.RoomIdFromCreateEvent ? null : RoomId,
            PrevEvents = prevs, AuthEvents = authEvents,
            Depth = prevs.Count == 0 ? 1 : prevs.Max(id => events[id].Depth) + 1,
            OriginServerTs = clock++,
            EventIdOpaquePart = Version.EventIdInEvent ? UnpaddedBase64.EncodeUrlSafe(RandomNumberGenerator.GetBytes(12)) : null,
        };
        var built = PduBuilder.Build(draft, Version, server.Name, server.Key);
        Assert.True(built.IsSuccess, built.IsSuccess ? "" : built.Error);
        Record(built.Value);
        return built.Value;
    }

    /// <summary>Records an event built elsewhere (a join our server signed) as part of this DAG.</summary>
    public void Record(Pdu pdu)
    {
        events[pdu.EventId] = pdu;
        var before = StateBefore(pdu.PrevEventIds);
        stateAfter[pdu.EventId] = pdu.StateTuple is { } key ? before.SetItem(key, pdu.EventId) : before;
        extremities.RemoveAll(pdu.PrevEventIds.Contains);
        extremities.Add(pdu.EventId);
    }

    /// <summary>The state before an event on <paramref name="prevs"/>: resolved across them like any server does.</summary>
    public ImmutableDictionary<StateKey, string> StateBefore(IReadOnlyList<string> prevs)
    {
        if (prevs.Count == 0) return ImmutableDictionary<StateKey, string>.Empty;
        var sets = prevs.Select(id => stateAfter[id]).Distinct().ToList();
        if (sets.Count == 1) return sets[0];
        var resolved = StateResolver.Resolve(Version, [.. sets], new PreloadedEventSource(events.Values));
        return resolved.State.ToImmutableDictionary();
    }

    /// <summary>The state events before an event on the current extremities, and their full auth chain (what send_join returns).</summary>
    public (List<JsonObject> State, List<JsonObject> AuthChain) StateAndAuthChain(IReadOnlyList<string>? prevs = null)
    {
        var state = StateBefore(prevs ?? extremities).Values.Select(id => events[id]).ToList();
        var chain = new Dictionary<string, Pdu>(StringComparer.Ordinal);
        var pending = new Stack<string>(state.SelectMany(e => e.AuthEventIds));
        while (pending.TryPop(out var id))
        {
            if (!chain.TryAdd(id, events[id])) continue;
            foreach (var next in events[id].AuthEventIds) pending.Push(next);
        }
        return ([.. state.Select(Json)], [.. chain.Values.Select(Json)]);
    }

    /// <summary>The ancestors of <paramref name="latest"/> over prev events, not entering <paramref name="earliest"/>, nearest first, oldest first in the result.</summary>
    public List<Pdu> Ancestors(IEnumerable<string> latest, IEnumerable<string> earliest, int limit)
    {
        var seen = new HashSet<string>(earliest.Concat(latest), StringComparer.Ordinal);
        var found = new List<Pdu>();
        var frontier = latest.SelectMany(id => events[id].PrevEventIds).Where(seen.Add).ToList();
        while (frontier.Count > 0 && found.Count < limit)
        {
            var next = new List<string>();
            foreach (var id in frontier.Where(events.ContainsKey))
            {
                if (found.Count == limit) break;
                found.Add(events[id]);
                next.AddRange(events[id].PrevEventIds.Where(seen.Add));
            }
            frontier = next;
        }
        return [.. found.OrderBy(e => e.Depth)];
    }

    /// <summary>The full auth chain of one event.</summary>
    public List<Pdu> AuthChainOf(string eventId)
    {
        var chain = new Dictionary<string, Pdu>(StringComparer.Ordinal);
        var pending = new Stack<string>(events[eventId].AuthEventIds);
        while (pending.TryPop(out var id))
        {
            if (!chain.TryAdd(id, events[id])) continue;
            foreach (var next in events[id].AuthEventIds) pending.Push(next);
        }
        return [.. chain.Values];
    }

    /// <summary>An event's JSON as a remote server would send it (a copy: tests may tamper with it).</summary>
    public static JsonObject Json(Pdu pdu) => pdu.Json.DeepClone().AsObject();
}
