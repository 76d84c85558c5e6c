using System.Text.Json.Nodes;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.Homeserver.Tests.Rooms;

/// <summary>"Relationships API": <c>GET /_matrix/client/v1/rooms/{roomId}/relations/{eventId}[/{relType}[/{eventType}]]</c>.</summary>
public abstract class RelationsTests(ServerFixture server)
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

    [Fact]
    public async Task Children_are_listed_newest_first_and_filtered_by_rel_type_and_event_type()
    {
        var (alice, bob, roomId) = await RoomWithTwoAsync();
        var root = await Http.SendTextAsync(alice, roomId, "root");
        var reaction = await Http.SendReactionAsync(bob, roomId, root, "👍");
        var reference = await Http.SendRelatedTextAsync(bob, roomId, "see above", "m.reference", root);
        var reply = await Http.SendRelatedTextAsync(alice, roomId, "in thread", "m.thread", root);
        await Http.SendTextAsync(alice, roomId, "unrelated");

        var all = (await Http.RelationsAsync(bob, roomId, root)).AssertOk();
        Assert.Equal([reply, reference, reaction], all.Body["chunk"].EventIds());
        Assert.Null(all.Body["next_batch"]);
        Assert.Null(all.Body["recursion_depth"]);

        var annotations = (await Http.RelationsAsync(bob, roomId, root, "/m.annotation")).AssertOk();
        Assert.Equal([reaction], annotations.Body["chunk"].EventIds());
        var references = (await Http.RelationsAsync(bob, roomId, root, "/m.reference/m.room.message")).AssertOk();
        Assert.Equal([reference], references.Body["chunk"].EventIds());
        var none = (await Http.RelationsAsync(bob, roomId, root, "/m.annotation/m.room.message")).AssertOk();
        Assert.Empty(none.Body["chunk"]!.AsArray());
    }

    [Fact]
    public async Task Pages_follow_next_batch_both_ways_and_stop_at_to()
    {
        var (alice, _, roomId) = await RoomWithTwoAsync();
        var root = await Http.SendTextAsync(alice, roomId, "root");
        var replies = new List<string>();
        for (var i = 1; i <= 5; i++) replies.Add(await Http.SendRelatedTextAsync(alice, roomId, $"reply {i}", "m.thread", root));

        var first = (await Http.RelationsAsync(alice, roomId, root, "?limit=2")).AssertOk();
        Assert.Equal([replies[4], replies[3]], first.Body["chunk"].EventIds());
        Assert.Null(first.Body["prev_batch"]);
        var next = first.String("next_batch");
        var second = (await Http.RelationsAsync(alice, roomId, root, $"?limit=2&from={next}")).AssertOk();
        Assert.Equal([replies[2], replies[1]], second.Body["chunk"].EventIds());
        Assert.Equal(next, second.String("prev_batch"));
        var third = (await Http.RelationsAsync(alice, roomId, root, $"?limit=2&from={second.String("next_batch")}")).AssertOk();
        Assert.Equal([replies[0]], third.Body["chunk"].EventIds());
        Assert.Null(third.Body["next_batch"]);

        var forwards = (await Http.RelationsAsync(alice, roomId, root, "?dir=f&limit=3")).AssertOk();
        Assert.Equal(replies[..3], forwards.Body["chunk"].EventIds());
        var rest = (await Http.RelationsAsync(alice, roomId, root, $"?dir=f&limit=3&from={forwards.String("next_batch")}")).AssertOk();
        Assert.Equal(replies[3..], rest.Body["chunk"].EventIds());

        // from page 1 and to from page 2 covers the range between them: "the from token should be after the to token".
        var bounded = (await Http.RelationsAsync(alice, roomId, root, $"?limit=10&from={next}&to={second.String("next_batch")}")).AssertOk();
        Assert.Equal([replies[2], replies[1]], bounded.Body["chunk"].EventIds());
    }

    [Fact]
    public async Task Recurse_includes_indirect_children_through_matching_events_only()
    {
        var (alice, bob, roomId) = await RoomWithTwoAsync();
        var root = await Http.SendTextAsync(alice, roomId, "root");
        var reply = await Http.SendRelatedTextAsync(bob, roomId, "reply", "m.thread", root);
        var reaction = await Http.SendReactionAsync(alice, roomId, reply, "🎉");
        var edit = await Http.SendEditAsync(bob, roomId, reply, "reply, edited");

        var direct = (await Http.RelationsAsync(alice, roomId, root, "?recurse=false")).AssertOk();
        Assert.Equal([reply], direct.Body["chunk"].EventIds());
        Assert.Equal(1, (int)direct.Body["recursion_depth"]!);

        var recursive = (await Http.RelationsAsync(alice, roomId, root, "?recurse=true")).AssertOk();
        Assert.Equal([edit, reaction, reply], recursive.Body["chunk"].EventIds());
        Assert.Equal(3, (int)recursive.Body["recursion_depth"]!);

        // The reaction relates to the root only through the m.thread reply, which the m.annotation filter excludes.
        var annotations = (await Http.RelationsAsync(alice, roomId, root, "/m.annotation?recurse=true")).AssertOk();
        Assert.Empty(annotations.Body["chunk"]!.AsArray());
        var threadOnly = (await Http.RelationsAsync(alice, roomId, root, "/m.thread?recurse=true")).AssertOk();
        Assert.Equal([reply], threadOnly.Body["chunk"].EventIds());
    }

    [Fact]
    public async Task Redacted_child_no_longer_relates()
    {
        var (alice, bob, roomId) = await RoomWithTwoAsync();
        var root = await Http.SendTextAsync(alice, roomId, "root");
        var kept = await Http.SendRelatedTextAsync(bob, roomId, "kept", "m.reference", root);
        var removed = await Http.SendRelatedTextAsync(bob, roomId, "removed", "m.reference", root);
        await Http.RedactAsync(bob, roomId, removed);

        var relations = (await Http.RelationsAsync(alice, roomId, root)).AssertOk();
        Assert.Equal([kept], relations.Body["chunk"].EventIds());
    }

    [Fact]
    public async Task Thread_events_and_their_relations_are_stored_in_the_thread()
    {
        var (alice, bob, roomId) = await RoomWithTwoAsync();
        var root = await Http.SendTextAsync(alice, roomId, "root");
        var reply = await Http.SendRelatedTextAsync(bob, roomId, "reply", "m.thread", root);
        var reactionInThread = await Http.SendReactionAsync(alice, roomId, reply, "👀");
        var reactionOnRoot = await Http.SendReactionAsync(bob, roomId, root, "👀");

        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HomeserverDbContext>();
        var threads = await db.Events.Where(e => e.RoomId == roomId).ToDictionaryAsync(e => e.EventId, e => e.ThreadId);
        Assert.Null(threads[root]);
        Assert.Equal(root, threads[reply]);
        Assert.Equal(root, threads[reactionInThread]);
        // Thread roots and what relates to them by other relations stay in the main timeline (receipts module).
        Assert.Null(threads[reactionOnRoot]);
    }

    [Fact]
    public async Task Malformed_relates_to_is_no_relationship()
    {
        var (alice, _, roomId) = await RoomWithTwoAsync();
        var root = await Http.SendTextAsync(alice, roomId, "root");
        await Http.SendEventAsync(alice, roomId, "m.room.message", new() { ["body"] = "no rel_type", ["m.relates_to"] = new JsonObject { ["event_id"] = root } });
        await Http.SendEventAsync(alice, roomId, "m.room.message", new() { ["body"] = "bad id", ["m.relates_to"] = new JsonObject { ["rel_type"] = "m.reference", ["event_id"] = 42 } });

        var relations = (await Http.RelationsAsync(alice, roomId, root)).AssertOk();
        Assert.Empty(relations.Body["chunk"]!.AsArray());
    }

    [Fact]
    public async Task Thread_cannot_start_from_an_event_with_a_relation()
    {
        var (alice, bob, roomId) = await RoomWithTwoAsync();
        var root = await Http.SendTextAsync(alice, roomId, "root");
        var reply = await Http.SendRelatedTextAsync(bob, roomId, "reply", "m.thread", root);

        var nested = await Http.SendMatrixAsync(HttpMethod.Put, $"{MatrixTestClient.V3}/rooms/{Uri.EscapeDataString(roomId)}/send/m.room.message/nested",
            new JsonObject { ["body"] = "thread in a thread", ["m.relates_to"] = new JsonObject { ["rel_type"] = "m.thread", ["event_id"] = reply } }, alice.AccessToken);
        nested.AssertError(400, "M_UNKNOWN");
        // Replying in the same thread is fine.
        await Http.SendRelatedTextAsync(alice, roomId, "second reply", "m.thread", root);
    }

    [Fact]
    public async Task Same_annotation_twice_is_M_DUPLICATE_ANNOTATION_unless_redacted_and_a_retried_transaction_is_not_a_duplicate()
    {
        var (alice, bob, roomId) = await RoomWithTwoAsync();
        var target = await Http.SendTextAsync(alice, roomId, "react to me");
        var reaction = new JsonObject { ["m.relates_to"] = new JsonObject { ["rel_type"] = "m.annotation", ["event_id"] = target, ["key"] = "👍" } };
        var path = $"{MatrixTestClient.V3}/rooms/{Uri.EscapeDataString(roomId)}/send/m.reaction/";

        var first = (await Http.SendMatrixAsync(HttpMethod.Put, path + "r1", reaction, bob.AccessToken)).AssertOk().String("event_id");
        Assert.Equal(first, (await Http.SendMatrixAsync(HttpMethod.Put, path + "r1", reaction, bob.AccessToken)).AssertOk().String("event_id"));
        (await Http.SendMatrixAsync(HttpMethod.Put, path + "r2", reaction, bob.AccessToken)).AssertError(400, "M_DUPLICATE_ANNOTATION");
        await Http.SendReactionAsync(alice, roomId, target, "👍");  // another user
        await Http.SendReactionAsync(bob, roomId, target, "👎");    // another key

        await Http.RedactAsync(bob, roomId, first);
        (await Http.SendMatrixAsync(HttpMethod.Put, path + "r3", reaction, bob.AccessToken)).AssertOk();
    }

    [Fact]
    public async Task Unknown_event_or_room_is_M_NOT_FOUND_and_non_members_are_M_FORBIDDEN()
    {
        var (alice, _, roomId) = await RoomWithTwoAsync();
        var root = await Http.SendTextAsync(alice, roomId, "root");
        // A v12 room id is its create event's hash: the same creator in the same (fake) millisecond would make the same room.
        server.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var otherRoom = await Http.CreateRoomAsync(alice);
        var elsewhere = await Http.SendTextAsync(alice, otherRoom, "elsewhere");
        var stranger = await Http.RegisterAsync();

        (await Http.RelationsAsync(alice, roomId, "$unknown")).AssertError(404, "M_NOT_FOUND");
        (await Http.RelationsAsync(alice, roomId, elsewhere)).AssertError(404, "M_NOT_FOUND");
        (await Http.RelationsAsync(stranger, roomId, root)).AssertError(403, "M_FORBIDDEN");
        (await Http.RelationsAsync(alice, "!nowhere:test.local", root)).AssertError(404, "M_NOT_FOUND");
        (await Http.RelationsAsync(alice, roomId, root, "?dir=up")).AssertError(400, "M_INVALID_PARAM");
        (await Http.RelationsAsync(alice, roomId, root, "?from=garbage")).AssertError(400, "M_INVALID_PARAM");
    }
}

public sealed class SqliteRelationsTests(SqliteServer server) : RelationsTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresRelationsTests(PostgresServer server) : RelationsTests(server), IClassFixture<PostgresServer>;
