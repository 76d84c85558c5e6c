using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Receipts;

/// <summary>"Receipts" and "Fully read markers": m.receipt in ephemeral, private receipts, threads, unread counts, errors.</summary>
public abstract class ReceiptsTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private Task<MatrixResponse> ReceiptAsync(Session user, string roomId, string type, string eventId, object? body = null) =>
        Http.PostMatrixAsync($"{V3}/rooms/{Uri.EscapeDataString(roomId)}/receipt/{type}/{Uri.EscapeDataString(eventId)}", body ?? new { }, user.AccessToken);

    private static List<JsonObject> Ephemeral(JsonObject sync, string roomId, string type) =>
        sync["rooms"]?["join"]?[roomId]?["ephemeral"]?["events"]?.AsArray().Select(e => e!.AsObject()).Where(e => (string?)e["type"] == type).ToList() ?? [];

    private async Task<(Session Alice, Session Bob, string RoomId)> PairAsync()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.RoomPostAsync(bob, roomId, "join", new { })).AssertOk();
        return (alice, bob, roomId);
    }

    [Fact]
    public async Task A_read_receipt_reaches_the_other_member_in_ephemeral_and_incremental_sync_sends_only_new_ones()
    {
        var (alice, bob, roomId) = await PairAsync();
        var first = await Http.SendTextAsync(alice, roomId, "one");
        var aliceSince = (string)(await Http.SyncAsync(alice))["next_batch"]!;

        (await ReceiptAsync(bob, roomId, "m.read", first)).AssertOk();
        var update = await Http.SyncAsync(alice, aliceSince, timeoutMs: 5000);
        var receipt = Assert.Single(Ephemeral(update, roomId, "m.receipt"));
        var entry = receipt["content"]![first]!["m.read"]![bob.UserId]!;
        Assert.True((long)entry["ts"]! > 0);
        Assert.Null(entry["thread_id"]);
        Assert.Empty(update.Timeline(roomId));

        // Nothing new: no receipt again. An initial sync has the current receipts.
        Assert.Empty(Ephemeral(await Http.SyncAsync(alice, (string)update["next_batch"]!), roomId, "m.receipt"));
        var initial = Assert.Single(Ephemeral(await Http.SyncAsync(alice), roomId, "m.receipt"));
        Assert.NotNull(initial["content"]![first]!["m.read"]![bob.UserId]);
    }

    [Fact]
    public async Task Private_receipts_reach_only_their_owner()
    {
        var (alice, bob, roomId) = await PairAsync();
        var eventId = await Http.SendTextAsync(alice, roomId, "secret read");
        (await ReceiptAsync(bob, roomId, "m.read.private", eventId)).AssertOk();

        Assert.Empty(Ephemeral(await Http.SyncAsync(alice), roomId, "m.receipt"));
        var own = Assert.Single(Ephemeral(await Http.SyncAsync(bob), roomId, "m.receipt"));
        Assert.NotNull(own["content"]![eventId]!["m.read.private"]![bob.UserId]);
    }

    [Fact]
    public async Task A_receipt_never_moves_back_and_resets_unread_counts_up_to_its_event()
    {
        var (alice, bob, roomId) = await PairAsync();
        var one = await Http.SendTextAsync(alice, roomId, "one");
        await Http.SendTextAsync(alice, roomId, "two");
        var three = await Http.SendTextAsync(alice, roomId, "three");
        Assert.Equal(3, (int)(await Http.SyncAsync(bob))["rooms"]!["join"]![roomId]!["unread_notifications"]!["notification_count"]!);

        (await ReceiptAsync(bob, roomId, "m.read", three)).AssertOk();
        (await ReceiptAsync(bob, roomId, "m.read", one)).AssertOk();
        var sync = await Http.SyncAsync(bob);
        Assert.Equal(0, (int)sync["rooms"]!["join"]![roomId]!["unread_notifications"]!["notification_count"]!);
        var content = Assert.Single(Ephemeral(sync, roomId, "m.receipt"))["content"]!.AsObject();
        Assert.Equal([three], content.Select(kv => kv.Key));

        // A private receipt clears counts just the same.
        var four = await Http.SendTextAsync(alice, roomId, "four");
        (await ReceiptAsync(bob, roomId, "m.read.private", four)).AssertOk();
        Assert.Equal(0, (int)(await Http.SyncAsync(bob))["rooms"]!["join"]![roomId]!["unread_notifications"]!["notification_count"]!);
    }

    [Fact]
    public async Task The_sync_a_receipt_wakes_already_has_the_counts_it_reset()
    {
        var (alice, bob, roomId) = await PairAsync();
        var eventId = await Http.SendTextAsync(alice, roomId, "unread");
        var before = await Http.SyncAsync(bob);
        Assert.Equal(1, (int)before["rooms"]!["join"]![roomId]!["unread_notifications"]!["notification_count"]!);

        var waiting = Http.SyncAsync(bob, (string)before["next_batch"]!, timeoutMs: 20_000);
        await Task.Delay(200);
        (await ReceiptAsync(bob, roomId, "m.read", eventId)).AssertOk();
        var woken = await waiting;
        Assert.Equal(0, (int)woken["rooms"]!["join"]![roomId]!["unread_notifications"]!["notification_count"]!);
    }

    [Fact]
    public async Task Threaded_receipts_carry_their_thread_id_and_must_match_the_events_thread()
    {
        var (alice, bob, roomId) = await PairAsync();
        var root = await Http.SendTextAsync(alice, roomId, "root");
        var reply = await Http.SendRelatedTextAsync(alice, roomId, "in thread", "m.thread", root);

        (await ReceiptAsync(bob, roomId, "m.read", reply, new { thread_id = root })).AssertOk();
        (await ReceiptAsync(bob, roomId, "m.read", root, new { thread_id = "main" })).AssertOk();
        var content = Assert.Single(Ephemeral(await Http.SyncAsync(alice), roomId, "m.receipt"))["content"]!;
        Assert.Equal(root, (string?)content[reply]!["m.read"]![bob.UserId]!["thread_id"]);
        Assert.Equal("main", (string?)content[root]!["m.read"]![bob.UserId]!["thread_id"]);

        (await ReceiptAsync(bob, roomId, "m.read", reply, new { thread_id = "main" })).AssertError(400, "M_INVALID_PARAM");
        (await ReceiptAsync(bob, roomId, "m.read", root, new { thread_id = "" })).AssertError(400, "M_INVALID_PARAM");
        (await ReceiptAsync(bob, roomId, "m.read", root, new { thread_id = 5 })).AssertError(400, "M_INVALID_PARAM");
        (await ReceiptAsync(bob, roomId, "m.fully_read", root, new { thread_id = "main" })).AssertError(400, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task Bad_receipts_are_refused()
    {
        var (alice, bob, roomId) = await PairAsync();
        var stranger = await Http.RegisterAsync();
        var eventId = await Http.SendTextAsync(alice, roomId, "hello");

        (await ReceiptAsync(bob, roomId, "m.unknown", eventId)).AssertError(400, "M_INVALID_PARAM");
        (await ReceiptAsync(stranger, roomId, "m.read", eventId)).AssertError(403, "M_FORBIDDEN");
        (await ReceiptAsync(bob, roomId, "m.read", "$nonexistent")).AssertError(404, "M_NOT_FOUND");
        var other = await Http.CreateRoomAsync(bob);
        (await ReceiptAsync(bob, other, "m.read", eventId)).AssertError(404, "M_NOT_FOUND");
        Assert.Empty(Ephemeral(await Http.SyncAsync(alice), roomId, "m.receipt"));
    }

    [Fact]
    public async Task Read_markers_set_the_fully_read_account_data_and_the_receipts_given()
    {
        var (alice, bob, roomId) = await PairAsync();
        var one = await Http.SendTextAsync(alice, roomId, "one");
        var two = await Http.SendTextAsync(alice, roomId, "two");
        var since = (string)(await Http.SyncAsync(bob))["next_batch"]!;

        (await Http.RoomPostAsync(bob, roomId, "read_markers", new JsonObject { ["m.fully_read"] = one, ["m.read"] = two })).AssertOk();
        var sync = await Http.SyncAsync(bob, since);
        var marker = Assert.Single(sync["rooms"]!["join"]![roomId]!["account_data"]!["events"]!.AsArray())!;
        Assert.Equal("m.fully_read", (string?)marker["type"]);
        Assert.Equal(one, (string?)marker["content"]!["event_id"]);
        Assert.NotNull(Assert.Single(Ephemeral(sync, roomId, "m.receipt"))["content"]![two]!["m.read"]![bob.UserId]);
        Assert.Equal(0, (int)sync["rooms"]!["join"]![roomId]!["unread_notifications"]!["notification_count"]!);

        // The m.fully_read receipt type is the same marker; the account data API reads it.
        (await ReceiptAsync(bob, roomId, "m.fully_read", two)).AssertOk();
        var path = $"{V3}/user/{Uri.EscapeDataString(bob.UserId)}/rooms/{Uri.EscapeDataString(roomId)}/account_data/m.fully_read";
        Assert.Equal(two, (string?)(await Http.GetMatrixAsync(path, bob.AccessToken)).AssertOk().Body["event_id"]);
        Assert.DoesNotContain(Ephemeral(await Http.SyncAsync(alice), roomId, "m.receipt").SelectMany(e => e["content"]!.AsObject()),
            kv => kv.Value!["m.fully_read"] is not null);

        (await Http.RoomPostAsync(bob, roomId, "read_markers", new JsonObject { ["m.fully_read"] = "$nope" })).AssertError(404, "M_NOT_FOUND");
        (await Http.RoomPostAsync(bob, roomId, "read_markers", new JsonObject { ["m.read"] = 3 })).AssertError(400, "M_BAD_JSON");
    }
}

public sealed class SqliteReceiptsTests(SqliteServer server) : ReceiptsTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresReceiptsTests(PostgresServer server) : ReceiptsTests(server), IClassFixture<PostgresServer>;
