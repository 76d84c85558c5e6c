using System.Diagnostics;
using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Typing;

/// <summary>"Typing Notifications": m.typing with the full list on every change, expiry on the server's clock, errors.</summary>
public abstract class TypingTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private Task<MatrixResponse> TypingAsync(Session user, string roomId, object body, string? userId = null) =>
        Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/rooms/{Uri.EscapeDataString(roomId)}/typing/{Uri.EscapeDataString(userId ?? user.UserId)}", body, user.AccessToken);

    /// <summary>The user ids of the room's m.typing event in a sync response, or null when it has none.</summary>
    private static List<string>? Typing(JsonObject sync, string roomId) =>
        sync["rooms"]?["join"]?[roomId]?["ephemeral"]?["events"]?.AsArray().Where(e => (string?)e!["type"] == "m.typing")
            .Select(e => e!["content"]!["user_ids"]!.AsArray().Select(u => (string)u!).ToList()).SingleOrDefault();

    private async Task<(Session Alice, Session Bob, string RoomId)> PairAsync()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.RoomPostAsync(bob, roomId, "join", new { })).AssertOk();
        return (alice, bob, roomId);
    }

    [Fact]
    public async Task Starting_and_stopping_reach_the_other_member_as_the_full_list()
    {
        var (alice, bob, roomId) = await PairAsync();
        var since = (string)(await Http.SyncAsync(bob))["next_batch"]!;

        (await TypingAsync(alice, roomId, new { typing = true, timeout = 30000 })).AssertOk();
        var started = await Http.SyncAsync(bob, since, timeoutMs: 5000);
        Assert.Equal([alice.UserId], Typing(started, roomId));
        Assert.Equal([alice.UserId], Typing(await Http.SyncAsync(bob), roomId)); // an initial sync shows who types now

        // Saying it again only extends the timeout: the list did not change, so nothing is sent.
        (await TypingAsync(alice, roomId, new { typing = true, timeout = 30000 })).AssertOk();
        Assert.Null(Typing(await Http.SyncAsync(bob, (string)started["next_batch"]!), roomId));

        (await TypingAsync(alice, roomId, new { typing = false })).AssertOk();
        var stopped = await Http.SyncAsync(bob, (string)started["next_batch"]!, timeoutMs: 5000);
        Assert.Equal([], Typing(stopped, roomId));
        Assert.Null(Typing(await Http.SyncAsync(bob), roomId));
    }

    [Fact]
    public async Task Typing_expires_after_its_timeout_and_wakes_a_waiting_sync()
    {
        var (alice, bob, roomId) = await PairAsync();
        (await TypingAsync(alice, roomId, new { typing = true, timeout = 10_000 })).AssertOk();
        var seen = await Http.SyncAsync(bob);
        Assert.Equal([alice.UserId], Typing(seen, roomId));

        server.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Null(Typing(await Http.SyncAsync(bob, (string)seen["next_batch"]!), roomId));

        var watch = Stopwatch.StartNew();
        var waiting = Http.SyncAsync(bob, (string)seen["next_batch"]!, timeoutMs: 20_000);
        await Task.Delay(200);
        server.Clock.Advance(TimeSpan.FromSeconds(6));
        var expired = await waiting;
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), "the long-poll returned at the expiry, not at its timeout");
        Assert.Equal([], Typing(expired, roomId));
    }

    [Fact]
    public async Task Only_members_set_typing_and_only_their_own()
    {
        var (alice, bob, roomId) = await PairAsync();
        var stranger = await Http.RegisterAsync();

        (await TypingAsync(bob, roomId, new { typing = true, timeout = 1000 }, alice.UserId)).AssertError(403, "M_FORBIDDEN");
        (await TypingAsync(stranger, roomId, new { typing = true, timeout = 1000 })).AssertError(403, "M_FORBIDDEN");
        (await TypingAsync(bob, roomId, new { timeout = 1000 })).AssertError(400, "M_MISSING_PARAM");
        (await TypingAsync(bob, roomId, new { typing = true })).AssertError(400, "M_MISSING_PARAM");
        (await TypingAsync(bob, roomId, new { typing = "yes", timeout = 1000 })).AssertError(400, "M_BAD_JSON");
        (await TypingAsync(bob, roomId, new { typing = true, timeout = "long" })).AssertError(400, "M_BAD_JSON");
        (await TypingAsync(bob, "!unknown:test.local", new { typing = true, timeout = 1000 })).AssertError(404, "M_NOT_FOUND");
        Assert.Null(Typing(await Http.SyncAsync(alice), roomId));
    }
}

public sealed class SqliteTypingTests(SqliteServer server) : TypingTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresTypingTests(PostgresServer server) : TypingTests(server), IClassFixture<PostgresServer>;
