using System.Text.Json.Nodes;
using Messenger.Federation.Client;
using Messenger.Homeserver.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>
/// History visibility towards a server, and redactions in back-filled history. A server whose users joined a
/// <c>joined</c>-visibility room late gets the events from before its join redacted (not left out: the DAG stays
/// walkable) through <c>/backfill</c>, <c>/get_missing_events</c> and <c>/event</c>; in a <c>shared</c> room it gets them in
/// full. A redaction among back-filled events, or one held before its target is back-filled, or one arriving live for
/// back-filled history, redacts the target for the late server's clients as a live redaction does
/// (<c>redacted_because</c>, content gone).
/// </summary>
public abstract class BackfillVisibilityTests(FederatingPair pair)
{
    private static IFederationClient Federation(FederatingServer server) => server.Services.GetRequiredService<IFederationClient>();

    private Task<JsonObject> AskAAsync(string pathAndQuery) =>
        Federation(pair.B).GetJsonAsync(pair.A.ServerName, pathAndQuery, CancellationToken.None, FederationCallOptions.NoRetry);

    private async Task<(string RoomId, Session Alice, string Before, string After, Session Bob)> RoomJoinedLateAsync(string visibility)
    {
        var alice = await pair.A.Client.RegisterAsync();
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new
        {
            preset = "public_chat",
            initial_state = new[] { new { type = "m.room.history_visibility", state_key = "", content = new { history_visibility = visibility } } },
        });
        var before = await pair.A.Client.SendTextAsync(alice, roomId, "before b joined");
        var bob = await pair.B.Client.RegisterAsync();
        await SharedRooms.JoinAsync(pair.B, bob, roomId, pair.A.ServerName);
        var after = await pair.A.Client.SendTextAsync(alice, roomId, "after b joined");
        return (roomId, alice, before, after, bob);
    }

    private static JsonObject? Find(JsonObject answer, string key, string body) =>
        answer[key]!.AsArray().Select(p => p!.AsObject()).FirstOrDefault(p => (string?)p["content"]?["body"] == body);

    private static int MessagesWithoutBody(JsonObject answer, string key) =>
        answer[key]!.AsArray().Count(p => (string?)p!["type"] == "m.room.message" && p["content"]!.AsObject().Count == 0);

    [Fact]
    public async Task Server_that_joined_a_joined_only_room_late_gets_earlier_events_redacted()
    {
        var (roomId, _, before, after, _) = await RoomJoinedLateAsync("joined");
        var room = Uri.EscapeDataString(roomId);

        var backfill = await AskAAsync($"/_matrix/federation/v1/backfill/{room}?v={Uri.EscapeDataString(after)}&limit=50");
        // The message after the join in full, the one before it redacted but present, the room's beginning intact.
        Assert.NotNull(Find(backfill, "pdus", "after b joined"));
        Assert.Null(Find(backfill, "pdus", "before b joined"));
        Assert.Equal(1, MessagesWithoutBody(backfill, "pdus"));
        Assert.Contains(backfill["pdus"]!.AsArray(), p => (string?)p!["type"] == "m.room.create" && p["content"]!.AsObject().Count > 0);
        Assert.Contains(backfill["pdus"]!.AsArray(), p => (string?)p!["type"] == "m.room.member" && (string?)p["content"]?["membership"] == "join"
            && ((string?)p["state_key"])!.EndsWith(":" + pair.B.ServerName, StringComparison.Ordinal));

        var missing = await Federation(pair.B).PostJsonAsync(pair.A.ServerName, $"/_matrix/federation/v1/get_missing_events/{room}",
            new JsonObject { ["earliest_events"] = new JsonArray(), ["latest_events"] = new JsonArray(after), ["limit"] = 50 },
            CancellationToken.None, FederationCallOptions.NoRetry);
        Assert.Null(Find(missing, "events", "before b joined"));
        Assert.Equal(1, MessagesWithoutBody(missing, "events"));

        var hidden = (await AskAAsync("/_matrix/federation/v1/event/" + Uri.EscapeDataString(before)))["pdus"]![0]!;
        Assert.Equal("m.room.message", (string?)hidden["type"]);
        Assert.Empty(hidden["content"]!.AsObject());
        var seen = (await AskAAsync("/_matrix/federation/v1/event/" + Uri.EscapeDataString(after)))["pdus"]![0]!;
        Assert.Equal("after b joined", (string?)seen["content"]!["body"]);
    }

    [Fact]
    public async Task Server_that_joined_a_shared_room_late_gets_earlier_events_in_full()
    {
        var (roomId, _, before, after, _) = await RoomJoinedLateAsync("shared");

        var backfill = await AskAAsync($"/_matrix/federation/v1/backfill/{Uri.EscapeDataString(roomId)}?v={Uri.EscapeDataString(after)}&limit=50");
        Assert.NotNull(Find(backfill, "pdus", "before b joined"));
        Assert.Equal(0, MessagesWithoutBody(backfill, "pdus"));
        var served = (await AskAAsync("/_matrix/federation/v1/event/" + Uri.EscapeDataString(before)))["pdus"]![0]!;
        Assert.Equal("before b joined", (string?)served["content"]!["body"]);
    }

    private async Task<JsonObject> BackfilledEventAsync(Session bob, string roomId, string eventId)
    {
        // Paginating from the newest end down to the room's beginning backfills what B lacks.
        string? from = null;
        for (var page = 0; page < 20; page++)
        {
            var answer = (await pair.B.Client.RoomGetAsync(bob, roomId, "messages?dir=b&limit=10" + (from is null ? "" : "&from=" + Uri.EscapeDataString(from)))).AssertOk().Body;
            if (answer["chunk"]!.AsArray().FirstOrDefault(e => (string?)e!["event_id"] == eventId) is { } found) return found.AsObject();
            if (answer["end"] is not JsonValue end) break;
            from = (string)end!;
        }
        throw new InvalidOperationException($"{eventId} never showed up in /messages");
    }

    private async Task AssertRedactedForBobAsync(Session bob, string roomId, string target, string redaction)
    {
        var inHistory = await BackfilledEventAsync(bob, roomId, target);
        Assert.Empty(inHistory["content"]!.AsObject());
        Assert.Equal(redaction, (string?)inHistory["unsigned"]?["redacted_because"]?["event_id"]);
        var single = (await pair.B.Client.RoomGetAsync(bob, roomId, "event/" + Uri.EscapeDataString(target))).AssertOk().Body;
        Assert.Empty(single["content"]!.AsObject());
        Assert.Equal(redaction, (string?)single["unsigned"]?["redacted_because"]?["event_id"]);
    }

    private static async Task<string> RedactAsync(FederatingServer server, Session session, string roomId, string eventId) =>
        (await server.Client.SendMatrixAsync(HttpMethod.Put,
            $"{MatrixTestClient.V3}/rooms/{Uri.EscapeDataString(roomId)}/redact/{Uri.EscapeDataString(eventId)}/{Guid.NewGuid():N}", new { }, session.AccessToken))
            .AssertOk().String("event_id");

    [Fact]
    public async Task Redaction_back_filled_with_its_target_redacts_it_for_the_late_servers_clients()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new { preset = "public_chat" });
        var target = await pair.A.Client.SendTextAsync(alice, roomId, "regretted");
        var redaction = await RedactAsync(pair.A, alice, roomId, target);
        var bob = await pair.B.Client.RegisterAsync();
        await SharedRooms.JoinAsync(pair.B, bob, roomId, pair.A.ServerName);

        await AssertRedactedForBobAsync(bob, roomId, target, redaction);
    }

    [Fact]
    public async Task Redaction_received_before_its_target_is_back_filled_redacts_it_then()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new { preset = "public_chat" });
        var target = await pair.A.Client.SendTextAsync(alice, roomId, "regretted later");
        var bob = await pair.B.Client.RegisterAsync();
        await SharedRooms.JoinAsync(pair.B, bob, roomId, pair.A.ServerName);
        var since = await pair.B.Client.NextBatchAsync(bob);
        var redaction = await RedactAsync(pair.A, alice, roomId, target);
        // B holds the redaction (live, over /send) while it has never seen the target.
        await pair.B.Client.SyncUntilAsync(bob, since, s => s.Timeline(roomId).Any(e => (string?)e["event_id"] == redaction));

        await AssertRedactedForBobAsync(bob, roomId, target, redaction);
    }

    [Fact]
    public async Task Live_redaction_of_back_filled_history_redacts_it()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new { preset = "public_chat" });
        var target = await pair.A.Client.SendTextAsync(alice, roomId, "old and regretted");
        var bob = await pair.B.Client.RegisterAsync();
        await SharedRooms.JoinAsync(pair.B, bob, roomId, pair.A.ServerName);
        Assert.Equal("old and regretted", (string?)(await BackfilledEventAsync(bob, roomId, target))["content"]!["body"]);
        var since = await pair.B.Client.NextBatchAsync(bob);

        var redaction = await RedactAsync(pair.A, alice, roomId, target);
        await pair.B.Client.SyncUntilAsync(bob, since, s => s.Timeline(roomId).Any(e => (string?)e["event_id"] == redaction));

        await AssertRedactedForBobAsync(bob, roomId, target, redaction);
    }
}

public sealed class SqliteBackfillVisibilityTests(SqliteFederatingPair pair) : BackfillVisibilityTests(pair), IClassFixture<SqliteFederatingPair>;

public sealed class PostgresBackfillVisibilityTests(PostgresFederatingPair pair) : BackfillVisibilityTests(pair), IClassFixture<PostgresFederatingPair>;
