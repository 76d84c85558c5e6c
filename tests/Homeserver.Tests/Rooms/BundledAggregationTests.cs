using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;

namespace Messenger.Homeserver.Tests.Rooms;

/// <summary>"Aggregations of child events": <c>unsigned.m.relations</c> with <c>m.replace</c>, <c>m.thread</c> and <c>m.reference</c>.</summary>
public abstract class BundledAggregationTests(ServerFixture server)
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

    private async Task<JsonObject> GetEventAsync(Session session, string roomId, string eventId) =>
        (await Http.RoomGetAsync(session, roomId, $"event/{Uri.EscapeDataString(eventId)}")).AssertOk().Body;

    [Fact]
    public async Task Edited_event_keeps_its_content_and_bundles_the_latest_edit_by_its_sender()
    {
        var (alice, bob, roomId) = await RoomWithTwoAsync();
        var original = await Http.SendTextAsync(alice, roomId, "I really like cake");
        await Http.SendEditAsync(alice, roomId, original, "I really like chocolate cake");
        server.Clock.Advance(TimeSpan.FromSeconds(1));  // the newest edit is the one with the greatest origin_server_ts
        var latest = await Http.SendEditAsync(alice, roomId, original, "I really like lemon cake");
        await Http.SendEditAsync(bob, roomId, original, "bob may not edit alice's message");

        var served = await GetEventAsync(bob, roomId, original);
        // v1.7: servers no longer replace the content; the edit is bundled as a whole event.
        Assert.Equal("I really like cake", (string?)served["content"]!["body"]);
        var replace = served.BundledRelations()!["m.replace"]!;
        Assert.Equal(latest, (string?)replace["event_id"]);
        Assert.Equal(alice.UserId, (string?)replace["sender"]);
        Assert.Equal("I really like lemon cake", (string?)replace["content"]!["m.new_content"]!["body"]);
        Assert.NotNull(replace["origin_server_ts"]);

        // The same bundle appears in /messages.
        var messages = (await Http.RoomGetAsync(bob, roomId, "messages?dir=b&limit=20")).AssertOk().Body["chunk"]!.AsArray();
        var inHistory = messages.Single(e => (string?)e!["event_id"] == original)!;
        Assert.Equal(latest, (string?)inHistory.BundledRelations()!["m.replace"]!["event_id"]);
    }

    [Fact]
    public async Task Edit_without_new_content_is_ignored_for_an_earlier_valid_one()
    {
        var (alice, _, roomId) = await RoomWithTwoAsync();
        var original = await Http.SendTextAsync(alice, roomId, "hello");
        var valid = await Http.SendEditAsync(alice, roomId, original, "hello there");
        server.Clock.Advance(TimeSpan.FromSeconds(1));
        await Http.SendRelatedTextAsync(alice, roomId, "* no new content", "m.replace", original);

        var served = await GetEventAsync(alice, roomId, original);
        Assert.Equal(valid, (string?)served.BundledRelations()!["m.replace"]!["event_id"]);
    }

    [Fact]
    public async Task Redacted_original_bundles_no_edit_and_redacted_edit_falls_back_to_the_previous()
    {
        var (alice, bob, roomId) = await RoomWithTwoAsync();
        var original = await Http.SendTextAsync(alice, roomId, "first");
        var firstEdit = await Http.SendEditAsync(alice, roomId, original, "second");
        server.Clock.Advance(TimeSpan.FromSeconds(1));
        var secondEdit = await Http.SendEditAsync(alice, roomId, original, "third");
        await Http.RedactAsync(alice, roomId, secondEdit);
        Assert.Equal(firstEdit, (string?)(await GetEventAsync(bob, roomId, original)).BundledRelations()!["m.replace"]!["event_id"]);

        await Http.RedactAsync(alice, roomId, original);
        var redacted = await GetEventAsync(bob, roomId, original);
        Assert.Empty(redacted["content"]!.AsObject());
        Assert.Null(redacted.BundledRelations()?["m.replace"]);
    }

    [Fact]
    public async Task Thread_root_bundles_count_latest_event_and_participation()
    {
        var (alice, bob, roomId) = await RoomWithTwoAsync();
        var carol = await Http.RegisterAsync();
        (await Http.RoomPostAsync(carol, roomId, "join", new { })).AssertOk();
        var root = await Http.SendTextAsync(alice, roomId, "root");
        await Http.SendRelatedTextAsync(bob, roomId, "one", "m.thread", root);
        var latest = await Http.SendRelatedTextAsync(bob, roomId, "two", "m.thread", root);
        var latestEdit = await Http.SendEditAsync(bob, roomId, latest, "two, edited");
        var deleted = await Http.SendRelatedTextAsync(bob, roomId, "three", "m.thread", root);
        await Http.RedactAsync(bob, roomId, deleted);

        var thread = (await GetEventAsync(alice, roomId, root)).BundledRelations()!["m.thread"]!;
        Assert.Equal(2, (int)thread["count"]!);
        Assert.True((bool)thread["current_user_participated"]!);  // alice sent the root
        var latestEvent = thread["latest_event"]!;
        Assert.Equal(latest, (string?)latestEvent["event_id"]);
        Assert.Equal("two", (string?)latestEvent["content"]!["body"]);
        // The latest event is served like any event: its own edit is bundled with it.
        Assert.Equal(latestEdit, (string?)latestEvent.BundledRelations()!["m.replace"]!["event_id"]);

        Assert.True((bool)(await GetEventAsync(bob, roomId, root)).BundledRelations()!["m.thread"]!["current_user_participated"]!);
        Assert.False((bool)(await GetEventAsync(carol, roomId, root)).BundledRelations()!["m.thread"]!["current_user_participated"]!);
    }

    [Fact]
    public async Task References_are_bundled_as_a_chunk_of_event_ids_and_plain_events_get_no_relations()
    {
        var (alice, bob, roomId) = await RoomWithTwoAsync();
        var parent = await Http.SendTextAsync(alice, roomId, "parent");
        var one = await Http.SendRelatedTextAsync(bob, roomId, "one", "m.reference", parent);
        var two = await Http.SendRelatedTextAsync(alice, roomId, "two", "m.reference", parent);
        await Http.SendReactionAsync(bob, roomId, parent, "👍");

        var relations = (await GetEventAsync(alice, roomId, parent)).BundledRelations()!;
        Assert.Equal([one, two], relations["m.reference"]!["chunk"].EventIds());
        // Annotations are left to clients to aggregate.
        Assert.Null(relations["m.annotation"]);
        Assert.Null((await GetEventAsync(alice, roomId, one)).BundledRelations());
    }

    [Fact]
    public async Task Relation_from_another_room_is_ignored()
    {
        var (alice, _, roomId) = await RoomWithTwoAsync();
        var parent = await Http.SendTextAsync(alice, roomId, "parent");
        server.Clock.Advance(TimeSpan.FromMilliseconds(1));  // a distinct v12 create event, hence room id
        var otherRoom = await Http.CreateRoomAsync(alice);
        await Http.SendRelatedTextAsync(alice, otherRoom, "from elsewhere", "m.reference", parent);
        await Http.SendRelatedTextAsync(alice, otherRoom, "thread elsewhere", "m.thread", parent);

        Assert.Null((await GetEventAsync(alice, roomId, parent)).BundledRelations());
        Assert.Empty((await Http.RelationsAsync(alice, roomId, parent)).AssertOk().Body["chunk"]!.AsArray());
        Assert.Empty((await Http.RoomGetV1Async(alice, roomId, "threads")).AssertOk().Body["chunk"]!.AsArray());
    }

    [Fact]
    public async Task State_events_get_no_bundled_aggregations()
    {
        var (alice, _, roomId) = await RoomWithTwoAsync();
        var topic = (await Http.PutStateAsync(alice, roomId, "m.room.topic", "", new { topic = "cakes" })).AssertOk().String("event_id");
        await Http.SendRelatedTextAsync(alice, roomId, "about the topic", "m.reference", topic);

        Assert.Null((await GetEventAsync(alice, roomId, topic)).BundledRelations());
        var relations = (await Http.RelationsAsync(alice, roomId, topic)).AssertOk();
        Assert.Single(relations.Body["chunk"]!.AsArray());
    }
}

public sealed class SqliteBundledAggregationTests(SqliteServer server) : BundledAggregationTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresBundledAggregationTests(PostgresServer server) : BundledAggregationTests(server), IClassFixture<PostgresServer>;
