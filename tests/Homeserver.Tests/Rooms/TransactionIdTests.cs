using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Rooms;

/// <summary>
/// "Transaction identifiers": a retransmission gets the original response, exactly once per device and transaction id,
/// however the retries race with each other, with other sends and with the sender's membership. The room server finds
/// retries through the transaction's row being taken when its events are written, so these cover that path.
/// </summary>
public abstract class TransactionIdTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private static string SendPath(string roomId, string txnId) => $"{V3}/rooms/{Uri.EscapeDataString(roomId)}/send/m.room.message/{txnId}";

    private async Task<List<string?>> BodiesAsync(Session session, string roomId) =>
        [.. (await Http.RoomGetAsync(session, roomId, "messages?dir=b&limit=100")).AssertOk().Body["chunk"]!.AsArray().Select(m => (string?)m!["content"]?["body"])];

    [Fact]
    public async Task A_retry_among_new_sends_gets_its_event_and_the_new_sends_all_go_through()
    {
        var alice = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice);
        var original = await Http.SendTextAsync(alice, roomId, "original", txnId: "kept");

        var fresh = Enumerable.Range(0, 12).Select(i => Http.SendTextAsync(alice, roomId, $"new {i}")).ToList();
        var retries = Enumerable.Range(0, 3).Select(_ => Http.SendTextAsync(alice, roomId, "retried content differs", txnId: "kept")).ToList();
        var ids = await Task.WhenAll(fresh);

        Assert.All(await Task.WhenAll(retries), id => Assert.Equal(original, id));
        Assert.Equal(12, ids.Distinct().Count());
        Assert.DoesNotContain(original, ids);
        var bodies = await BodiesAsync(alice, roomId);
        Assert.All(Enumerable.Range(0, 12), i => Assert.Single(bodies, b => b == $"new {i}"));
        Assert.Single(bodies, b => b == "original");
        Assert.DoesNotContain("retried content differs", bodies);
    }

    [Fact]
    public async Task One_transaction_raced_into_two_rooms_never_fails_and_makes_one_event()
    {
        // This server keeps a device's transaction ids per device, whatever the room: the first send to commit keeps the
        // id, the other is answered with its event. Rooms persist in parallel on PostgreSQL, so the two inserts of the
        // id meet in the database.
        var alice = await Http.RegisterAsync();
        var first = await Http.CreateRoomAsync(alice);
        var second = await Http.CreateRoomAsync(alice);
        for (var round = 0; round < 6; round++)
        {
            var txnId = $"both{round}";
            var answers = await Task.WhenAll(Http.SendTextAsync(alice, first, txnId, txnId), Http.SendTextAsync(alice, second, txnId, txnId));
            Assert.Equal(answers[0], answers[1]);
            var stored = (await BodiesAsync(alice, first)).Count(b => b == txnId) + (await BodiesAsync(alice, second)).Count(b => b == txnId);
            Assert.Equal(1, stored);
        }
    }

    [Fact]
    public async Task A_retry_after_the_sender_left_returns_the_original_event()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.RoomPostAsync(bob, roomId, "join", new { })).AssertOk();
        var sent = await Http.SendTextAsync(bob, roomId, "before leaving", txnId: "late");
        (await Http.RoomPostAsync(bob, roomId, "leave", new { })).AssertOk();

        Assert.Equal(sent, await Http.SendTextAsync(bob, roomId, "before leaving", txnId: "late"));
        (await Http.SendMatrixAsync(HttpMethod.Put, SendPath(roomId, "never"), new { msgtype = "m.text", body = "after leaving" }, bob.AccessToken))
            .AssertError(403, "M_FORBIDDEN");
    }

    [Fact]
    public async Task A_refused_send_leaves_its_transaction_id_unused()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.SendMatrixAsync(HttpMethod.Put, SendPath(roomId, "refused"), new { msgtype = "m.text", body = "not a member" }, bob.AccessToken))
            .AssertError(403, "M_FORBIDDEN");

        (await Http.RoomPostAsync(bob, roomId, "join", new { })).AssertOk();
        var sent = await Http.SendTextAsync(bob, roomId, "a member now", txnId: "refused");
        var bodies = await BodiesAsync(alice, roomId);
        Assert.Single(bodies, b => b == "a member now");
        Assert.DoesNotContain("not a member", bodies);
        Assert.Equal(sent, await Http.SendTextAsync(bob, roomId, "a member now", txnId: "refused"));
    }

    [Fact]
    public async Task A_retried_redaction_returns_the_same_redaction()
    {
        var alice = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice);
        var target = await Http.SendTextAsync(alice, roomId, "to redact");
        var path = $"{V3}/rooms/{Uri.EscapeDataString(roomId)}/redact/{Uri.EscapeDataString(target)}/redact1";
        var first = (await Http.SendMatrixAsync(HttpMethod.Put, path, new { reason = "once" }, alice.AccessToken)).AssertOk().String("event_id");
        var again = (await Http.SendMatrixAsync(HttpMethod.Put, path, new { reason = "once" }, alice.AccessToken)).AssertOk().String("event_id");
        Assert.Equal(first, again);
        var redactions = (await Http.RoomGetAsync(alice, roomId, "messages?dir=b&limit=100")).AssertOk().Body["chunk"]!.AsArray()
            .Count(e => (string?)e!["type"] == "m.room.redaction");
        Assert.Equal(1, redactions);
    }
}

public sealed class SqliteTransactionIdTests(SqliteServer server) : TransactionIdTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresTransactionIdTests(PostgresServer server) : TransactionIdTests(server), IClassFixture<PostgresServer>;
