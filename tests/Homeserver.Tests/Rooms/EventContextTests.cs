using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;

namespace Messenger.Homeserver.Tests.Rooms;

/// <summary>"Event Context" (<c>/rooms/{roomId}/context/{eventId}</c>) and <c>/timestamp_to_event</c>.</summary>
public abstract class EventContextTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private async Task<(Session Alice, Session Bob, string RoomId)> RoomWithTwoAsync()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.RoomPostAsync(bob, roomId, "join", new { })).AssertOk();
        return (alice, bob, roomId);
    }

    private static List<string> Bodies(JsonNode? events) => events!.AsArray().Select(e => (string)e!["content"]!["body"]!).ToList();

    [Fact]
    public async Task Context_splits_the_limit_around_the_event_and_its_tokens_continue_in_messages()
    {
        var (alice, _, roomId) = await RoomWithTwoAsync();
        var ids = new List<string>();
        for (var i = 1; i <= 7; i++) ids.Add(await Http.SendTextAsync(alice, roomId, $"m{i}"));

        var context = (await Http.RoomGetAsync(alice, roomId, $"context/{Uri.EscapeDataString(ids[3])}?limit=4")).AssertOk().Body;
        Assert.Equal("m4", (string?)context["event"]!["content"]!["body"]);
        Assert.Equal(["m3", "m2"], Bodies(context["events_before"]));
        Assert.Equal(["m5", "m6"], Bodies(context["events_after"]));

        var older = (await Http.RoomGetAsync(alice, roomId, $"messages?dir=b&limit=1&from={context["start"]}")).AssertOk().Body;
        Assert.Equal(["m1"], Bodies(older["chunk"]));
        var newer = (await Http.RoomGetAsync(alice, roomId, $"messages?dir=f&limit=5&from={context["end"]}")).AssertOk().Body;
        Assert.Equal(["m7"], Bodies(newer["chunk"]));

        var stateTypes = context["state"]!.AsArray().Select(e => (string)e!["type"]!).ToHashSet();
        Assert.Contains("m.room.create", stateTypes);
        Assert.Contains("m.room.member", stateTypes);
    }

    [Fact]
    public async Task Context_state_is_the_state_at_the_last_event_returned()
    {
        var (alice, _, roomId) = await RoomWithTwoAsync();
        (await Http.PutStateAsync(alice, roomId, "m.room.topic", "", new { topic = "before" })).AssertOk();
        var target = await Http.SendTextAsync(alice, roomId, "target");
        await Http.SendTextAsync(alice, roomId, "after");
        (await Http.PutStateAsync(alice, roomId, "m.room.topic", "", new { topic = "later" })).AssertOk();

        var context = (await Http.RoomGetAsync(alice, roomId, $"context/{Uri.EscapeDataString(target)}?limit=2")).AssertOk().Body;
        Assert.Equal(["after"], Bodies(context["events_after"]));
        var topic = context["state"]!.AsArray().Single(e => (string?)e!["type"] == "m.room.topic")!;
        Assert.Equal("before", (string?)topic["content"]!["topic"]);
    }

    [Fact]
    public async Task Lazy_loading_keeps_only_members_who_sent_returned_events_and_limit_zero_returns_the_event()
    {
        var (alice, bob, roomId) = await RoomWithTwoAsync();
        var target = await Http.SendTextAsync(alice, roomId, "target");
        var filter = Uri.EscapeDataString("""{"lazy_load_members":true}""");

        var context = (await Http.RoomGetAsync(bob, roomId, $"context/{Uri.EscapeDataString(target)}?limit=0&filter={filter}")).AssertOk().Body;
        Assert.Equal(target, (string?)context["event"]!["event_id"]);
        Assert.Empty(context["events_before"]!.AsArray());
        Assert.Empty(context["events_after"]!.AsArray());
        var members = context["state"]!.AsArray().Where(e => (string?)e!["type"] == "m.room.member").Select(e => (string?)e!["state_key"]).ToList();
        Assert.Equal([alice.UserId], members);

        var full = (await Http.RoomGetAsync(bob, roomId, $"context/{Uri.EscapeDataString(target)}?limit=0")).AssertOk().Body;
        Assert.Equal(2, full["state"]!.AsArray().Count(e => (string?)e!["type"] == "m.room.member"));
    }

    [Fact]
    public async Task Context_of_an_edited_event_bundles_the_edit()
    {
        var (alice, _, roomId) = await RoomWithTwoAsync();
        var original = await Http.SendTextAsync(alice, roomId, "tpyo");
        var edit = await Http.SendEditAsync(alice, roomId, original, "typo");

        var context = (await Http.RoomGetAsync(alice, roomId, $"context/{Uri.EscapeDataString(original)}")).AssertOk().Body;
        Assert.Equal(edit, (string?)context["event"]!.BundledRelations()!["m.replace"]!["event_id"]);
    }

    [Fact]
    public async Task Context_errors_unknown_event_M_NOT_FOUND_non_member_M_FORBIDDEN_bad_filter_M_INVALID_PARAM()
    {
        var (alice, _, roomId) = await RoomWithTwoAsync();
        var target = await Http.SendTextAsync(alice, roomId, "target");
        var stranger = await Http.RegisterAsync();

        (await Http.RoomGetAsync(alice, roomId, "context/%24missing")).AssertError(404, "M_NOT_FOUND");
        (await Http.RoomGetAsync(stranger, roomId, $"context/{Uri.EscapeDataString(target)}")).AssertError(403, "M_FORBIDDEN");
        (await Http.RoomGetAsync(alice, roomId, $"context/{Uri.EscapeDataString(target)}?filter=%7Bnot-json")).AssertError(400, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task Timestamp_finds_the_nearest_event_in_each_direction()
    {
        var (alice, _, roomId) = await RoomWithTwoAsync();
        var early = await Http.SendTextAsync(alice, roomId, "early");
        var earlyTs = server.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        server.Clock.Advance(TimeSpan.FromMinutes(10));
        var late = await Http.SendTextAsync(alice, roomId, "late");
        var between = earlyTs + 5 * 60_000;

        var forwards = (await Http.RoomGetV1Async(alice, roomId, $"timestamp_to_event?ts={between}&dir=f")).AssertOk();
        Assert.Equal(late, forwards.String("event_id"));
        Assert.Equal(earlyTs + 10 * 60_000, (long)forwards.Body["origin_server_ts"]!);
        var backwards = (await Http.RoomGetV1Async(alice, roomId, $"timestamp_to_event?ts={between}&dir=b")).AssertOk();
        Assert.Equal(early, backwards.String("event_id"));
        Assert.Equal(earlyTs, (long)backwards.Body["origin_server_ts"]!);

        (await Http.RoomGetV1Async(alice, roomId, $"timestamp_to_event?ts={earlyTs + 3_600_000}&dir=f")).AssertError(404, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Timestamp_errors_missing_or_bad_parameters_and_non_members()
    {
        var (alice, _, roomId) = await RoomWithTwoAsync();
        var stranger = await Http.RegisterAsync();

        (await Http.RoomGetV1Async(alice, roomId, "timestamp_to_event?ts=1&dir=sideways")).AssertError(400, "M_INVALID_PARAM");
        (await Http.RoomGetV1Async(alice, roomId, "timestamp_to_event?ts=soon&dir=f")).AssertError(400, "M_INVALID_PARAM");
        (await Http.RoomGetV1Async(alice, roomId, "timestamp_to_event?dir=f")).AssertError(400, "M_MISSING_PARAM");
        (await Http.RoomGetV1Async(stranger, roomId, "timestamp_to_event?ts=1&dir=f")).AssertError(403, "M_FORBIDDEN");
    }
}

public sealed class SqliteEventContextTests(SqliteServer server) : EventContextTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresEventContextTests(PostgresServer server) : EventContextTests(server), IClassFixture<PostgresServer>;
