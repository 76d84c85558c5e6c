using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;
using Xunit;

namespace Messenger.Federation.Tests.Protocol.Auth.Support;

/// <summary>
/// Builds a room's state out of unsigned PDUs for auth rule tests, speaking Matrix: create, join, set power levels.
/// Auth never checks hashes or signatures, so events carry readable ids (<c>$e7:test</c>). In room version 12 the room id
/// is the create event's id with <c>!</c> for <c>$</c> (rooms/v12 "Event format", appendices "Room IDs").
/// Content is given as JSON text, so numbers are parsed exactly as they arrive over federation.
/// </summary>
public sealed class AuthRoomBuilder
{
    public const string Alice = "@alice:test";
    public const string Bob = "@bob:test";
    public const string Carol = "@carol:test";
    public const string Dave = "@dave:other.example";

    private int counter;
    private string lastEventId;

    private AuthRoomBuilder(RoomVersion version, string creator, string createContent, bool withRoomIdOnCreate)
    {
        Version = version;
        var createId = version.RoomIdFromCreateEvent ? "$CreateEventReferenceHashOfThisTestRoom0000" : "$create:test";
        RoomId = version.RoomIdFromCreateEvent ? "!" + createId[1..] : "!room:test";
        var content = Parse(createContent);
        if (version.CreateEventHasCreator && !content.ContainsKey("creator")) content["creator"] = creator;
        content["room_version"] ??= version.Id;
        CreateEvent = Build(EventTypes.Create, creator, "", content, createId, prevEvents: [],
            roomId: version.RoomIdFromCreateEvent && !withRoomIdOnCreate ? null : RoomId);
        State[new StateKey(EventTypes.Create, "")] = CreateEvent;
        lastEventId = createId;
    }

    public RoomVersion Version { get; }
    public string RoomId { get; }
    public Pdu CreateEvent { get; }

    /// <summary>The current state: what <see cref="EventAuthorizer.Authorize"/> is given as the state before the next event.</summary>
    public Dictionary<StateKey, Pdu> State { get; } = [];

    /// <summary>Only the create event: nobody has joined yet.</summary>
    public static AuthRoomBuilder Bare(RoomVersion version, string creator = Alice, string createContent = "{}", bool withRoomIdOnCreate = false) =>
        new(version, creator, createContent, withRoomIdOnCreate);

    /// <summary>
    /// The room as <c>/createRoom</c> leaves it: the creator joined, power levels giving the creator 100 (in v12 the
    /// creator is not listed; creators have infinite power), and the join rule.
    /// </summary>
    public static AuthRoomBuilder Created(RoomVersion version, string joinRule = JoinRules.Invite, string creator = Alice)
    {
        var room = Bare(version, creator);
        room.Apply(room.CreatorJoin());
        room.SetLevels("{}");
        room.SetJoinRule(joinRule, creator);
        return room;
    }

    public static RoomVersion V(string id) => RoomVersions.Find(id) ?? throw new ArgumentException($"unknown room version {id}");

    /// <summary>The creator's first join, whose only prev event is the create event.</summary>
    public Pdu CreatorJoin(string? creator = null) =>
        Build(EventTypes.Member, creator ?? CreateEvent.Sender, creator ?? CreateEvent.Sender, Parse("""{"membership":"join"}"""), NextId(), [CreateEvent.EventId]);

    /// <summary>An event in this room, after the latest one, not yet applied to the state.</summary>
    public Pdu Event(string type, string sender, string? stateKey, string content, string? eventId = null, string? redacts = null) =>
        Build(type, sender, stateKey, Parse(content), eventId ?? NextId(), [lastEventId], redacts: redacts);

    public Pdu Message(string sender, string body = "hello") =>
        Event(EventTypes.Message, sender, null, $$"""{"msgtype":"m.text","body":"{{body}}"}""");

    public Pdu Member(string sender, string target, string membership, string extraContent = "{}")
    {
        var content = Parse(extraContent);
        content["membership"] = membership;
        return Build(EventTypes.Member, sender, target, content, NextId(), [lastEventId]);
    }

    public Pdu PowerLevelsEvent(string sender, string content) => Event(EventTypes.PowerLevels, sender, "", content);

    /// <summary>Puts the event into the state (whether or not auth would allow it: tests set up any state they need).</summary>
    public AuthRoomBuilder Apply(Pdu ev)
    {
        if (ev.StateTuple is { } key) State[key] = ev;
        lastEventId = ev.EventId;
        return this;
    }

    public AuthRoomBuilder SetMembership(string user, string membership, string? sender = null) => Apply(Member(sender ?? user, user, membership));
    public AuthRoomBuilder Join(string user) => SetMembership(user, Membership.Join);
    public AuthRoomBuilder Invited(string user) => SetMembership(user, Membership.Invite, CreateEvent.Sender);
    public AuthRoomBuilder Banned(string user) => SetMembership(user, Membership.Ban, CreateEvent.Sender);

    public AuthRoomBuilder SetPowerLevels(string content, string? sender = null) => Apply(PowerLevelsEvent(sender ?? CreateEvent.Sender, content));

    /// <summary>
    /// Sets power levels <paramref name="otherContent"/> with <c>users</c> holding these levels plus, before v12, the
    /// creator at 100 (as <c>/createRoom</c> does); in v12 creators may not be listed and have infinite power anyway.
    /// </summary>
    public AuthRoomBuilder SetLevels(string otherContent, params (string User, long Level)[] users) =>
        Apply(LevelsEvent(otherContent, users));

    /// <summary>The power levels event <see cref="SetLevels"/> would apply, sent by the creator.</summary>
    public Pdu LevelsEvent(string otherContent, params (string User, long Level)[] users)
    {
        var content = Parse(otherContent);
        var listed = new JsonObject();
        if (!Version.PrivilegedCreators) listed[CreateEvent.Sender] = 100;
        foreach (var (user, level) in users) listed[user] = level;
        content["users"] = listed;
        return Build(EventTypes.PowerLevels, CreateEvent.Sender, "", content, NextId(), [lastEventId]);
    }

    public AuthRoomBuilder SetJoinRule(string rule, string? sender = null) =>
        Apply(Event(EventTypes.JoinRules, sender ?? CreateEvent.Sender, "", $$"""{"join_rule":"{{rule}}"}"""));

    public AuthRoomBuilder Without(string type, string stateKey = "")
    {
        State.Remove(new StateKey(type, stateKey));
        return this;
    }

    public AuthResult Authorize(Pdu ev) => EventAuthorizer.Authorize(ev, State);

    /// <summary>An unsigned PDU in this room's version and event format.</summary>
    public Pdu Build(string type, string sender, string? stateKey, JsonObject content, string eventId, IReadOnlyList<string> prevEvents,
        string? roomId = "", string? redacts = null)
    {
        var json = new JsonObject
        {
            ["type"] = type,
            ["sender"] = sender,
            ["content"] = content,
            ["depth"] = (long)++counter,
            ["origin_server_ts"] = 1_700_000_000_000L + counter,
            ["prev_events"] = References(prevEvents),
            ["auth_events"] = new JsonArray(),
            ["hashes"] = new JsonObject { ["sha256"] = "unchecked" },
            ["signatures"] = new JsonObject(),
        };
        if (roomId == "") roomId = RoomId;
        if (roomId is not null) json["room_id"] = roomId;
        if (stateKey is not null) json["state_key"] = stateKey;
        if (Version.EventIdInEvent) json["event_id"] = eventId;
        if (redacts is not null)
        {
            if (Version.RedactsInContent) content["redacts"] = redacts;
            json["redacts"] = redacts;
        }
        return new Pdu(json, Version, eventId);
    }

    /// <summary>Rebuilds an event with other <c>auth_events</c> (ids of the given events), for auth event selection checks.</summary>
    public Pdu WithAuthEvents(Pdu ev, params Pdu[] authEvents)
    {
        var json = (JsonObject)ev.Json.DeepClone();
        json["auth_events"] = References(authEvents.Select(e => e.EventId).ToList());
        return new Pdu(json, Version, ev.EventId);
    }

    private JsonArray References(IReadOnlyList<string> ids)
    {
        var array = new JsonArray();
        foreach (var id in ids)
        {
            array.Add(Version.EventFormat == EventFormat.V1
                ? new JsonArray(id, new JsonObject { ["sha256"] = "unchecked" })
                : JsonValue.Create(id));
        }
        return array;
    }

    private string NextId() => $"$e{counter + 1}:test";

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
