using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Federation.Protocol.StateResolution;
using static Messenger.Federation.Tests.Protocol.StateResolution.Support.Users;

namespace Messenger.Federation.Tests.Protocol.StateResolution.Support;

/// <summary>
/// A room's event graph built event by event, the way the classic state resolution scenarios are told: each event
/// names its <c>prev_events</c>; the state before it is the resolution (with the resolver under test) of the states
/// after them; its <c>auth_events</c> are chosen from that state by the auth events selection. Events are not
/// authorised on the way in, so forks can hold events that state resolution must then weed out.
/// Timestamps follow the order events are added.
/// </summary>
internal sealed class RoomDag
{
    private readonly Dictionary<string, Pdu> byName = [];
    private readonly Dictionary<string, IReadOnlyDictionary<StateKey, string>> stateAfter = [];
    private long clock;

    public RoomDag(RoomVersion version)
    {
        Version = version;
        RoomId = version.RoomIdFromCreateEvent ? "!" + IdOf("CREATE")[1..] : "!room:example.com";
    }

    public RoomVersion Version { get; }
    public string RoomId { get; }

    /// <summary>How many consecutive events share one <c>origin_server_ts</c>: above 1, ties that the event id must break.</summary>
    public int EventsPerMillisecond { get; init; } = 1;

    public IEnumerable<Pdu> Events => byName.Values;

    /// <summary>
    /// The room every classic scenario starts from: Alice creates it and joins, sets power levels and a public join
    /// rule; Bob, Charlie and Zara join; Zara's message START is where the scenarios fork.
    /// </summary>
    public static RoomDag WithInitialEvents(RoomVersion version, int eventsPerMillisecond = 1)
    {
        var room = new RoomDag(version) { EventsPerMillisecond = eventsPerMillisecond };
        var createContent = new JsonObject { ["room_version"] = version.Id };
        if (version.CreateEventHasCreator) createContent["creator"] = Alice;
        room.State("CREATE", EventTypes.Create, Alice, "", createContent);
        room.State("IMA", EventTypes.Member, Alice, Alice, Content.Join, "CREATE");
        room.State("IPOWER", EventTypes.PowerLevels, Alice, "", room.PowerLevels(), "IMA");
        room.State("IJR", EventTypes.JoinRules, Alice, "", Content.JoinRule("public"), "IPOWER");
        room.State("IMB", EventTypes.Member, Bob, Bob, Content.Join, "IJR");
        room.State("IMC", EventTypes.Member, Charlie, Charlie, Content.Join, "IMB");
        room.State("IMZ", EventTypes.Member, Zara, Zara, Content.Join, "IMC");
        room.Message("START", Zara, "IMZ");
        return room;
    }

    /// <summary>
    /// Power levels content with these users' levels. Alice, the creator, gets 100 where the room version lets power
    /// levels list her; from v12 creators have infinite power and must not be listed.
    /// </summary>
    public JsonObject PowerLevels(params (string User, int Level)[] users)
    {
        var listed = new JsonObject();
        if (!Version.PrivilegedCreators) listed[Alice] = 100;
        foreach (var (user, level) in users) listed[user] = level;
        return new JsonObject { ["users"] = listed };
    }

    public string IdOf(string name) => Version.EventFormat == EventFormat.V1 ? $"${name}:example.com" : "$" + name;

    public Pdu this[string name] => byName[name];

    public IReadOnlyDictionary<StateKey, string> StateAfter(string name) => stateAfter[name];

    public PreloadedEventSource Source(IEnumerable<string>? rejectedNames = null) =>
        new(byName.Values, rejectedNames?.Select(IdOf));

    public IReadOnlyDictionary<StateKey, string> Resolve(params IReadOnlyDictionary<StateKey, string>[] stateSets)
    {
        var result = StateResolver.Resolve(Version, stateSets, Source());
        if (!result.IsComplete) throw new InvalidOperationException($"missing events: {string.Join(", ", result.MissingEventIds)}");
        return result.State;
    }

    public Pdu Message(string name, string sender, params string[] prev) => Add(name, EventTypes.Message, sender, null, Content.Empty, prev);

    public Pdu State(string name, string type, string sender, string stateKey, JsonObject content, params string[] prev) =>
        Add(name, type, sender, stateKey, content, prev);

    public Pdu Add(string name, string type, string sender, string? stateKey, JsonObject content, params string[] prev)
    {
        var before = prev.Length switch
        {
            0 => new Dictionary<StateKey, string>(),
            1 => stateAfter[prev[0]],
            _ => Resolve([.. prev.Select(p => stateAfter[p])]),
        };
        var authEvents = AuthEventSelector.Select(Version, type, sender, stateKey, content)
            .Where(before.ContainsKey)
            .Select(key => before[key])
            .ToList();
        var depth = prev.Length == 0 ? 1 : prev.Max(p => byName[p].Depth) + 1;
        var pdu = UnsignedPdu.Build(Version, IdOf(name), RoomId, type, sender, stateKey, content,
            authEvents, prev.Select(IdOf), depth, ++clock / EventsPerMillisecond);

        var after = new Dictionary<StateKey, string>(before);
        if (pdu.StateTuple is { } key) after[key] = pdu.EventId;
        byName[name] = pdu;
        stateAfter[name] = after;
        return pdu;
    }

    /// <summary>The state after <paramref name="name"/> with some keys pointed at other events (a stale or partial view of state).</summary>
    public IReadOnlyDictionary<StateKey, string> StateAfterWith(string name, params string[] overriddenBy)
    {
        var state = new Dictionary<StateKey, string>(stateAfter[name]);
        foreach (var other in overriddenBy) state[byName[other].StateTuple!.Value] = IdOf(other);
        return state;
    }
}
