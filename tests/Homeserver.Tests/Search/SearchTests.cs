using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.DirectoryTestClient;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Search;

/// <summary>
/// "Server Side Search" (<c>POST /search</c>, <c>room_events</c>): full-text matching with English and Russian
/// stemming, keys, order and paging, what a user may find, redaction, context, groupings and errors.
/// </summary>
public abstract class SearchTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private Task<MatrixResponse> SearchAsync(Session session, JsonObject roomEvents, string? nextBatch = null) =>
        Http.PostMatrixAsync($"{V3}/search" + (nextBatch is null ? "" : "?next_batch=" + Uri.EscapeDataString(nextBatch)),
            new JsonObject { ["search_categories"] = new JsonObject { ["room_events"] = roomEvents } }, session.AccessToken);

    private async Task<JsonObject> RoomEventsAsync(Session session, JsonObject roomEvents, string? nextBatch = null) =>
        (await SearchAsync(session, roomEvents, nextBatch)).AssertOk().Body["search_categories"]!["room_events"]!.AsObject();

    private async Task<List<string>> FoundAsync(Session session, string term) =>
        EventIds(await RoomEventsAsync(session, new JsonObject { ["search_term"] = term }));

    private static List<string> EventIds(JsonObject roomEvents) =>
        roomEvents["results"]!.AsArray().Select(r => (string)r!["result"]!["event_id"]!).ToList();

    [Fact]
    public async Task Message_bodies_are_found_with_rank_count_and_highlights()
    {
        var alice = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice);
        var match = await Http.SendTextAsync(alice, roomId, "Martians and men are talking");
        await Http.SendTextAsync(alice, roomId, "Nothing to see here");

        var found = await RoomEventsAsync(alice, new JsonObject { ["search_term"] = "martians" });

        var result = Assert.Single(found["results"]!.AsArray())!;
        Assert.Equal(match, (string?)result["result"]!["event_id"]);
        Assert.Equal(roomId, (string?)result["result"]!["room_id"]);
        Assert.Equal("Martians and men are talking", (string?)result["result"]!["content"]!["body"]);
        Assert.True((double)result["rank"]! > 0);
        Assert.Equal(1, (int)found["count"]!);
        Assert.Contains("martians", found["highlights"]!.AsArray().Select(h => (string)h!));
        Assert.Null(found["next_batch"]);
    }

    [Fact]
    public async Task English_and_Russian_words_match_their_other_forms()
    {
        var alice = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice);
        var english = await Http.SendTextAsync(alice, roomId, "The cats were running home");
        var russian = await Http.SendTextAsync(alice, roomId, "Свежие новости города");

        Assert.Equal([english], await FoundAsync(alice, "cat"));
        Assert.Equal([english], await FoundAsync(alice, "runs"));
        Assert.Equal([russian], await FoundAsync(alice, "новость"));
        Assert.Equal([russian], await FoundAsync(alice, "НОВОСТЯМИ"));
        Assert.Equal([russian], await FoundAsync(alice, "город"));
        Assert.Empty(await FoundAsync(alice, "погода"));
        // Punctuation is not query syntax.
        Assert.Empty(await FoundAsync(alice, "\"*) OR (:"));
    }

    [Fact]
    public async Task Keys_select_bodies_names_or_topics()
    {
        var alice = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { name = "Quarterly planning", topic = "Budget planning for spring" });
        var message = await Http.SendTextAsync(alice, roomId, "planning starts now");

        var names = await RoomEventsAsync(alice, new JsonObject { ["search_term"] = "planning", ["keys"] = new JsonArray("content.name") });
        var topics = await RoomEventsAsync(alice, new JsonObject { ["search_term"] = "planning", ["keys"] = new JsonArray("content.topic") });
        var all = await FoundAsync(alice, "planning");

        Assert.Equal("m.room.name", (string?)Assert.Single(names["results"]!.AsArray())!["result"]!["type"]);
        Assert.Equal("m.room.topic", (string?)Assert.Single(topics["results"]!.AsArray())!["result"]!["type"]);
        Assert.Equal(3, all.Count);
        Assert.Contains(message, all);
    }

    [Fact]
    public async Task Recent_order_pages_newest_first_with_next_batch()
    {
        var alice = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add(await Http.SendTextAsync(alice, roomId, $"banana number {i}"));
        var criteria = new JsonObject { ["search_term"] = "banana", ["order_by"] = "recent", ["filter"] = new JsonObject { ["limit"] = 2 } };

        var first = await RoomEventsAsync(alice, criteria);
        var second = await RoomEventsAsync(alice, (JsonObject)criteria.DeepClone(), (string)first["next_batch"]!);

        Assert.Equal([ids[2], ids[1]], EventIds(first));
        Assert.Equal(3, (int)first["count"]!);
        Assert.Equal([ids[0]], EventIds(second));
        Assert.Null(second["next_batch"]);
        // Ranked pages walk the same set.
        var ranked = new JsonObject { ["search_term"] = "banana", ["filter"] = new JsonObject { ["limit"] = 2 } };
        var rankFirst = await RoomEventsAsync(alice, ranked);
        var rankSecond = await RoomEventsAsync(alice, (JsonObject)ranked.DeepClone(), (string)rankFirst["next_batch"]!);
        Assert.Equal(ids.Order(), EventIds(rankFirst).Concat(EventIds(rankSecond)).Order());
    }

    [Fact]
    public async Task Only_events_the_user_could_see_are_found()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var outsider = await Http.RegisterAsync();
        var joinedOnly = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.PutStateAsync(alice, joinedOnly, "m.room.history_visibility", "", new { history_visibility = "joined" })).AssertOk();
        var shared = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        var beforeJoin = await Http.SendTextAsync(alice, joinedOnly, "kiwi before bob");
        var sharedBefore = await Http.SendTextAsync(alice, shared, "kiwi shared history");
        (await Http.JoinAsync(bob, joinedOnly)).AssertOk();
        (await Http.JoinAsync(bob, shared)).AssertOk();
        var whileJoined = await Http.SendTextAsync(alice, joinedOnly, "kiwi while bob is here");
        (await Http.RoomPostAsync(bob, joinedOnly, "leave", new { })).AssertOk();
        var afterLeave = await Http.SendTextAsync(alice, joinedOnly, "kiwi after bob left");

        var found = await FoundAsync(bob, "kiwi");

        Assert.Equal(new[] { whileJoined, sharedBefore }.Order(), found.Order());
        Assert.DoesNotContain(beforeJoin, found);
        Assert.DoesNotContain(afterLeave, found);
        Assert.Empty(await FoundAsync(outsider, "kiwi"));
        // filter.rooms narrows to the rooms named.
        var onlyShared = await RoomEventsAsync(bob, new JsonObject { ["search_term"] = "kiwi", ["filter"] = new JsonObject { ["rooms"] = new JsonArray(shared) } });
        Assert.Equal([sharedBefore], EventIds(onlyShared));
    }

    [Fact]
    public async Task Messages_of_ignored_users_are_not_found()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat", name = "papaya corner" });
        (await Http.JoinAsync(bob, roomId)).AssertOk();
        var fromAlice = await Http.SendTextAsync(alice, roomId, "papaya from alice");
        await Http.SendTextAsync(bob, roomId, "papaya from bob");

        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/user/{Uri.EscapeDataString(bob.UserId)}/account_data/m.ignored_user_list",
            new { ignored_users = new Dictionary<string, object> { [alice.UserId] = new { } } }, bob.AccessToken)).AssertOk();
        var found = await RoomEventsAsync(bob, new JsonObject { ["search_term"] = "papaya" });

        Assert.DoesNotContain(fromAlice, EventIds(found));
        Assert.Equal(["m.room.message", "m.room.name"], found["results"]!.AsArray().Select(r => (string)r!["result"]!["type"]!).Order());
        Assert.Equal(2, (int)found["count"]!);
    }

    [Fact]
    public async Task Redacted_messages_are_no_longer_found()
    {
        var alice = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice);
        var secret = await Http.SendTextAsync(alice, roomId, "my password is swordfish");
        Assert.Equal([secret], await FoundAsync(alice, "swordfish"));

        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/rooms/{Uri.EscapeDataString(roomId)}/redact/{Uri.EscapeDataString(secret)}/{Guid.NewGuid():N}",
            new { reason = "oops" }, alice.AccessToken)).AssertOk();

        Assert.Empty(await FoundAsync(alice, "swordfish"));
    }

    [Fact]
    public async Task Context_profiles_senders_filter_and_groupings()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.JoinAsync(bob, roomId)).AssertOk();
        (await Http.PutStateAsync(bob, roomId, "m.room.member", bob.UserId, new { membership = "join", displayname = "Bobby" })).AssertOk();
        var before = await Http.SendTextAsync(alice, roomId, "first words");
        var hit = await Http.SendTextAsync(bob, roomId, "the mango is ripe");
        var after1 = await Http.SendTextAsync(alice, roomId, "agreed");
        await Http.SendTextAsync(alice, roomId, "later");
        await Http.SendTextAsync(alice, roomId, "mango from alice");

        var found = await RoomEventsAsync(alice, new JsonObject
        {
            ["search_term"] = "mango",
            ["filter"] = new JsonObject { ["senders"] = new JsonArray(bob.UserId) },
            ["event_context"] = new JsonObject { ["before_limit"] = 1, ["after_limit"] = 1, ["include_profile"] = true },
            ["groupings"] = new JsonObject { ["group_by"] = new JsonArray(new JsonObject { ["key"] = "room_id" }, new JsonObject { ["key"] = "sender" }) },
        });

        var result = Assert.Single(found["results"]!.AsArray())!;
        Assert.Equal(hit, (string?)result["result"]!["event_id"]);
        var context = result["context"]!;
        Assert.Equal([before], context["events_before"]!.AsArray().Select(e => (string)e!["event_id"]!));
        Assert.Equal([after1], context["events_after"]!.AsArray().Select(e => (string)e!["event_id"]!));
        Assert.NotNull((string?)context["start"]);
        Assert.NotNull((string?)context["end"]);
        Assert.Equal("Bobby", (string?)context["profile_info"]![bob.UserId]!["displayname"]);
        Assert.Equal([hit], found["groups"]!["room_id"]![roomId]!["results"]!.AsArray().Select(e => (string)e!));
        Assert.Equal(1, (int)found["groups"]!["sender"]![bob.UserId]!["order"]!);
    }

    [Fact]
    public async Task Bad_requests_get_the_spec_errors()
    {
        var alice = await Http.RegisterAsync();

        (await Http.PostMatrixAsync($"{V3}/search", new { }, alice.AccessToken)).AssertError(400, "M_MISSING_PARAM");
        (await SearchAsync(alice, new JsonObject { ["keys"] = new JsonArray("content.body") })).AssertError(400, "M_MISSING_PARAM");
        (await SearchAsync(alice, new JsonObject { ["search_term"] = 1 })).AssertError(400, "M_BAD_JSON");
        (await SearchAsync(alice, new JsonObject { ["search_term"] = "x", ["keys"] = new JsonArray("content.url") })).AssertError(400, "M_INVALID_PARAM");
        (await SearchAsync(alice, new JsonObject { ["search_term"] = "x", ["order_by"] = "oldest" })).AssertError(400, "M_INVALID_PARAM");
        (await SearchAsync(alice, new JsonObject { ["search_term"] = "x" }, "garbage")).AssertError(400, "M_INVALID_PARAM");
        (await SearchAsync(alice, new JsonObject { ["search_term"] = "x", ["event_context"] = new JsonObject { ["before_limit"] = -1 } })).AssertError(400, "M_INVALID_PARAM");
        (await SearchAsync(alice, new JsonObject { ["search_term"] = "x", ["filter"] = "nope" })).AssertError(400, "M_BAD_JSON");
        (await Http.PostMatrixAsync($"{V3}/search", "{", alice.AccessToken)).AssertError(400, "M_NOT_JSON");
        (await Http.PostMatrixAsync($"{V3}/search", new { search_categories = new { } })).AssertError(401, "M_MISSING_TOKEN");
        // No category asked: no category answered.
        Assert.Empty((await Http.PostMatrixAsync($"{V3}/search", new { search_categories = new { } }, alice.AccessToken)).AssertOk().Body["search_categories"]!.AsObject());
    }
}

public sealed class SqliteSearchTests(SqliteServer server) : SearchTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresSearchTests(PostgresServer server) : SearchTests(server), IClassFixture<PostgresServer>;
