using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;

namespace Messenger.Benchmarks.Protocol;

/// <summary>
/// A large room that forked: <c>members</c> users joined a public room, then two forks each changed
/// <c>changesPerFork</c> pieces of state. Fork A: new power levels, kicks, leaves and new joins; fork B: other power
/// levels, bans (some of the users A kicked), display name changes (some of the users A saw leave) and custom state.
/// Events are unsigned (state resolution reads no signatures) with hash-like ids, and their auth events are chosen
/// by the auth events selection from each fork's own state, as a real server would.
/// </summary>
public sealed class ForkedRoom
{
    private const string Admin = "@admin:example.org";
    private readonly Dictionary<string, Pdu> events = new(StringComparer.Ordinal);
    private readonly RoomVersion version;
    private long depth;
    private string roomId = "!bench:example.org";

    public ForkedRoom(RoomVersion version, int members, int changesPerFork)
    {
        this.version = version;
        var state = new Dictionary<StateKey, string>();
        var createContent = new JsonObject { ["room_version"] = version.Id };
        if (version.CreateEventHasCreator) createContent["creator"] = Admin;
        var create = Add(state, EventTypes.Create, Admin, "", createContent);
        if (version.RoomIdFromCreateEvent) roomId = "!" + create[1..];
        Add(state, EventTypes.Member, Admin, Admin, Membership("join"));
        Add(state, EventTypes.PowerLevels, Admin, "", PowerLevels(("@mod:example.org", 50)));
        Add(state, EventTypes.JoinRules, Admin, "", new JsonObject { ["join_rule"] = "public" });
        for (var i = 0; i < members; i++) Add(state, EventTypes.Member, User(i), User(i), Membership("join"));

        var quarter = changesPerFork / 4;
        var forkA = new Dictionary<StateKey, string>(state);
        Add(forkA, EventTypes.PowerLevels, Admin, "", PowerLevels(("@mod:example.org", 50), (User(0), 50)));
        for (var i = 0; i < quarter; i++) Add(forkA, EventTypes.Member, Admin, User(10 + i), Membership("leave"));
        for (var i = 0; i < 2 * quarter; i++) Add(forkA, EventTypes.Member, User(1000 + i), User(1000 + i), Membership("leave"));
        for (var i = 0; i < changesPerFork - 3 * quarter - 1; i++) Add(forkA, EventTypes.Member, User(members + i), User(members + i), Membership("join"));

        var forkB = new Dictionary<StateKey, string>(state);
        Add(forkB, EventTypes.PowerLevels, Admin, "", PowerLevels(("@mod:example.org", 100)));
        for (var i = 0; i < quarter; i++) Add(forkB, EventTypes.Member, Admin, User(10 + quarter / 2 + i), Membership("ban"));
        for (var i = 0; i < 2 * quarter; i++)
        {
            var content = Membership("join");
            content["displayname"] = $"user {1000 + quarter + i}";
            Add(forkB, EventTypes.Member, User(1000 + quarter + i), User(1000 + quarter + i), content);
        }
        for (var i = 0; i < changesPerFork - 3 * quarter - 1; i++)
            Add(forkB, "org.example.note", Admin, i.ToString(), new JsonObject { ["note"] = i });

        StateSets = [forkA, forkB];
    }

    public IReadOnlyList<IReadOnlyDictionary<StateKey, string>> StateSets { get; }

    public IEnumerable<Pdu> Events => events.Values;

    private static string User(int i) => $"@user{i}:example.org";

    private JsonObject PowerLevels(params (string User, int Level)[] users)
    {
        var listed = new JsonObject();
        if (!version.PrivilegedCreators) listed[Admin] = 100;
        foreach (var (user, level) in users) listed[user] = level;
        return new JsonObject { ["users"] = listed, ["users_default"] = 0 };
    }

    private static JsonObject Membership(string membership) => new() { ["membership"] = membership };

    /// <summary>Adds a state event whose auth events come from <paramref name="state"/>, and applies it there.</summary>
    private string Add(Dictionary<StateKey, string> state, string type, string sender, string stateKey, JsonObject content)
    {
        var authEvents = new JsonArray();
        foreach (var key in Messenger.Federation.Protocol.Auth.AuthEventSelector.Select(version, type, sender, stateKey, content))
        {
            if (state.TryGetValue(key, out var id)) authEvents.Add(Reference(id));
        }
        var eventId = "$" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes($"{type}/{stateKey}/{++depth}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var json = new JsonObject
        {
            ["type"] = type,
            ["sender"] = sender,
            ["state_key"] = stateKey,
            ["content"] = content,
            ["depth"] = depth,
            ["origin_server_ts"] = 1_700_000_000_000 + depth,
            ["auth_events"] = authEvents,
            ["prev_events"] = new JsonArray(),
        };
        if (!(version.RoomIdFromCreateEvent && type == EventTypes.Create)) json["room_id"] = roomId;
        if (version.EventIdInEvent) json["event_id"] = eventId;
        var pdu = new Pdu(json, version, eventId);
        events[eventId] = pdu;
        state[pdu.StateTuple!.Value] = eventId;
        return eventId;
    }

    private JsonNode Reference(string id) =>
        version.EventFormat == EventFormat.V1 ? new JsonArray(id, new JsonObject()) : JsonValue.Create(id);
}
