using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;

namespace Messenger.Benchmarks.Protocol;

/// <summary>
/// Auth checks against the state of a room with 1,000 joined members and a power levels event listing 100 of them.
/// Target: a message event under 20 µs (it runs up to three times per received event: auth events, state before, current state).
/// </summary>
[MemoryDiagnoser]
public class EventAuthorizerBenchmarks
{
    private const int Members = 1000;

    private Dictionary<StateKey, Pdu> state = [];
    private Pdu message = null!;
    private Pdu join = null!;
    private Pdu powerLevels = null!;

    [Params("10", "12")]
    public string Version { get; set; } = "10";

    [GlobalSetup]
    public void Setup()
    {
        var version = RoomVersions.Find(Version)!;
        var createId = "$CreateEventReferenceHashOfTheBenchmarkRoom0";
        var roomId = version.RoomIdFromCreateEvent ? "!" + createId[1..] : "!bench:example.org";
        var n = 0;
        Pdu Make(string type, string sender, string? stateKey, string content, string? id = null)
        {
            var json = JsonNode.Parse(content) is JsonObject c ? new JsonObject
            {
                ["type"] = type, ["sender"] = sender, ["content"] = c, ["depth"] = (long)++n,
                ["origin_server_ts"] = 1_700_000_000_000L + n, ["prev_events"] = new JsonArray(), ["auth_events"] = new JsonArray(),
            } : throw new InvalidOperationException();
            if (stateKey is not null) json["state_key"] = stateKey;
            if (!(version.RoomIdFromCreateEvent && type == EventTypes.Create)) json["room_id"] = roomId;
            return new Pdu(json, version, id ?? $"$event{n}");
        }

        const string creator = "@user0:example.org";
        var create = Make(EventTypes.Create, creator, "", $$"""{"creator":"{{creator}}","room_version":"{{Version}}"}""", createId);
        state = new Dictionary<StateKey, Pdu> { [create.StateTuple!.Value] = create };
        var users = new JsonObject();
        for (var i = version.PrivilegedCreators ? 1 : 0; i < 100; i++) users[$"@user{i}:example.org"] = i == 0 ? 100L : 10L;
        var levels = Make(EventTypes.PowerLevels, creator, "", new JsonObject { ["users"] = users, ["events"] = new JsonObject { ["m.room.name"] = 50L } }.ToJsonString());
        state[levels.StateTuple!.Value] = levels;
        var rules = Make(EventTypes.JoinRules, creator, "", """{"join_rule":"public"}""");
        state[rules.StateTuple!.Value] = rules;
        for (var i = 0; i < Members; i++)
        {
            var user = $"@user{i}:example.org";
            var member = Make(EventTypes.Member, user, user, """{"membership":"join","displayname":"someone"}""");
            state[member.StateTuple!.Value] = member;
        }

        message = Make(EventTypes.Message, "@user500:example.org", null, """{"msgtype":"m.text","body":"hello"}""");
        join = Make(EventTypes.Member, "@newcomer:example.org", "@newcomer:example.org", """{"membership":"join"}""");
        users["@user50:example.org"] = 5L;
        powerLevels = Make(EventTypes.PowerLevels, creator, "", new JsonObject { ["users"] = users.DeepClone(), ["events"] = new JsonObject { ["m.room.name"] = 50L } }.ToJsonString());
        if (!EventAuthorizer.Authorize(message, state).IsAllowed || !EventAuthorizer.Authorize(join, state).IsAllowed
            || !EventAuthorizer.Authorize(powerLevels, state).IsAllowed)
            throw new InvalidOperationException("benchmark events must pass auth");
    }

    [Benchmark(Baseline = true)]
    public bool Message_in_room_of_1000() => EventAuthorizer.Authorize(message, state).IsAllowed;

    [Benchmark]
    public bool Join_public_room_of_1000() => EventAuthorizer.Authorize(join, state).IsAllowed;

    [Benchmark]
    public bool Power_levels_change_listing_100_users() => EventAuthorizer.Authorize(powerLevels, state).IsAllowed;
}
