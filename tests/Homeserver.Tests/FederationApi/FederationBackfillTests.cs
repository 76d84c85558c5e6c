using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>
/// "Backfilling and retrieving missing events" behind the client API: a server that joined a room late has none of
/// its older history; <c>/messages</c> going backwards past its first event fetches older events from a server in the
/// room with <c>/backfill</c>, checks them and answers with them in order, down to the room's create event. Backfilled
/// history is not news: it never shows up in an incremental <c>/sync</c>.
/// </summary>
public abstract class FederationBackfillTests(FederatingPair pair)
{
    private const string V3 = MatrixTestClient.V3;

    private static async Task<List<JsonObject>> PaginateAllAsync(FederatingServer server, Session user, string roomId, string? from, int limit)
    {
        var events = new List<JsonObject>();
        for (var page = 0; page < 50; page++)
        {
            var answer = (await server.Client.RoomGetAsync(user, roomId, $"messages?dir=b&limit={limit}" + (from is null ? "" : "&from=" + Uri.EscapeDataString(from)))).AssertOk().Body;
            events.AddRange(answer["chunk"]!.AsArray().Select(e => e!.AsObject()));
            if (answer["end"] is not JsonValue end) return events;
            from = (string)end!;
        }
        throw new InvalidOperationException("pagination did not end");
    }

    [Fact]
    public async Task Paginating_past_the_join_backfills_the_older_history_down_to_the_create_event()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new { preset = "public_chat" });
        var sent = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            await pair.A.Client.SendTextAsync(alice, roomId, "old " + i);
            sent.Add("old " + i);
        }
        var bob = await pair.B.Client.RegisterAsync();
        await SharedRooms.JoinAsync(pair.B, bob, roomId, pair.A.ServerName);
        var first = await pair.B.Client.SyncAsync(bob);
        var prevBatch = (string)first["rooms"]!["join"]![roomId]!["timeline"]!["prev_batch"]!;

        var history = await PaginateAllAsync(pair.B, bob, roomId, prevBatch, 10);

        // Newest first, every message exactly once, then the room's beginning.
        Assert.Equal(Enumerable.Reverse(sent), history.Bodies());
        Assert.Equal("m.room.create", (string?)history[^1]["type"]);
        Assert.Single(history, e => (string?)e["type"] == "m.room.create");
        Assert.Equal(history.Count, history.Select(e => (string)e["event_id"]!).Distinct().Count());

        // Not on the live stream: a sync from before the backfill sees none of it.
        var since = (string)first["next_batch"]!;
        var later = await pair.B.Client.SyncAsync(bob, since);
        Assert.Empty(later.Timeline(roomId).Bodies());
    }

    [Fact]
    public async Task Backfilled_history_of_a_joined_only_room_stays_hidden_from_a_user_who_joined_later()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new
        {
            preset = "public_chat",
            initial_state = new[] { new { type = "m.room.history_visibility", state_key = "", content = new { history_visibility = "joined" } } },
        });
        await pair.A.Client.SendTextAsync(alice, roomId, "before bob");
        var bob = await pair.B.Client.RegisterAsync();
        await SharedRooms.JoinAsync(pair.B, bob, roomId, pair.A.ServerName);
        // B's token is taken before A sends, so the message cannot already be behind it when B's sync starts.
        var bobSince = (string)(await pair.B.Client.SyncAsync(bob))["next_batch"]!;
        await pair.A.Client.SendTextAsync(alice, roomId, "after bob");
        var atB = await pair.B.Client.CollectBodiesAsync(bob, bobSince, roomId, 1);
        Assert.Equal(["after bob"], atB);

        var history = await PaginateAllAsync(pair.B, bob, roomId, null, 10);

        // "joined": events from before the user joined are not theirs to see (Room History Visibility).
        Assert.Equal(["after bob"], history.Bodies());
    }
}

public sealed class SqliteFederationBackfillTests(SqliteFederatingPair pair) : FederationBackfillTests(pair), IClassFixture<SqliteFederatingPair>;

public sealed class PostgresFederationBackfillTests(PostgresFederatingPair pair) : FederationBackfillTests(pair), IClassFixture<PostgresFederatingPair>;
