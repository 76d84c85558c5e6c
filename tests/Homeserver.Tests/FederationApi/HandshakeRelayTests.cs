using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>
/// The resident server passes on what a joining, knocking or leaving server hands it ("Joining Rooms": the resident
/// server "is responsible for sending the join event to the other servers in the room"; the same for send_knock and
/// send_leave): Carol of C joins a room of A that Bob of B is in, and B sees the join before Carol says anything, then
/// her messages; never back to C. Dave of C knocks on a knock room of A and withdraws; B sees both.
/// </summary>
public abstract class HandshakeRelayTests(FederatingTrio trio)
{
    private const string V3 = MatrixTestClient.V3;

    private static bool HasMembership(JsonObject sync, string roomId, string userId, string membership) =>
        sync.Timeline(roomId).Any(e => (string?)e["type"] == EventTypes.Member && (string?)e["state_key"] == userId
            && (string?)e["content"]?["membership"] == membership);

    [Fact]
    public async Task A_join_through_the_resident_server_reaches_the_other_servers_but_not_its_origin()
    {
        var alice = await trio.A.Client.RegisterAsync();
        var roomId = await trio.A.Client.CreateRoomAsync(alice, new { preset = "public_chat" });
        var bob = await trio.B.Client.RegisterAsync();
        await SharedRooms.JoinAsync(trio.B, bob, roomId, trio.A.ServerName);
        var bobSince = await trio.B.Client.NextBatchAsync(bob);
        var carol = await trio.C.Client.RegisterAsync();

        // A learns C's signing key first (a profile query from C), as the key request would be refused below.
        (await trio.C.Client.GetMatrixAsync($"{V3}/profile/{Uri.EscapeDataString(alice.UserId)}", carol.AccessToken)).AssertOk();
        // C refuses A's transactions: anything A queued for C stays in A's outbox, so a join sent back would show.
        trio.C.Partition.Refuse(trio.A.ServerName);
        try
        {
            await SharedRooms.JoinAsync(trio.C, carol, roomId, trio.A.ServerName);
            var joined = await trio.B.Client.SyncUntilAsync(bob, bobSince, s => HasMembership(s, roomId, carol.UserId, "join"));
            var joinId = (string)joined.Timeline(roomId).First(e => (string?)e["state_key"] == carol.UserId)["event_id"]!;
            Assert.Empty(await QueuedAsync(trio.A, trio.C.ServerName, joinId));
        }
        finally
        {
            trio.C.Partition.Heal();
        }

        var since = await trio.B.Client.NextBatchAsync(bob);
        await trio.C.Client.SendTextAsync(carol, roomId, "hello from C");
        Assert.Equal(["hello from C"], await trio.B.Client.CollectBodiesAsync(bob, since, roomId, 1));
    }

    [Fact]
    public async Task A_knock_and_its_withdrawal_through_the_resident_server_reach_the_other_servers()
    {
        var alice = await trio.A.Client.RegisterAsync();
        var knockRule = new { type = "m.room.join_rules", state_key = "", content = new { join_rule = "knock" } };
        var roomId = await trio.A.Client.CreateRoomAsync(alice, new { preset = "private_chat", initial_state = new[] { knockRule } });
        var bob = await trio.B.Client.RegisterAsync();
        (await trio.A.Client.RoomPostAsync(alice, roomId, "invite", new { user_id = bob.UserId })).AssertOk();
        await trio.B.Client.SyncUntilAsync(bob, null, s => s["rooms"]?["invite"]?[roomId] is not null);
        (await trio.B.Client.PostMatrixAsync($"{V3}/join/{Uri.EscapeDataString(roomId)}?server_name={trio.A.ServerName}", new { }, bob.AccessToken)).AssertOk();
        var since = await trio.B.Client.NextBatchAsync(bob);

        var dave = await trio.C.Client.RegisterAsync();
        (await trio.C.Client.PostMatrixAsync($"{V3}/knock/{Uri.EscapeDataString(roomId)}?via={trio.A.ServerName}", new { }, dave.AccessToken)).AssertOk();
        var knocked = await trio.B.Client.SyncUntilAsync(bob, since, s => HasMembership(s, roomId, dave.UserId, "knock"));

        (await trio.C.Client.PostMatrixAsync($"{V3}/rooms/{Uri.EscapeDataString(roomId)}/leave", new { }, dave.AccessToken)).AssertOk();
        await trio.B.Client.SyncUntilAsync(bob, (string)knocked["next_batch"]!, s => HasMembership(s, roomId, dave.UserId, "leave"));
    }

    /// <summary>The outbox rows of <paramref name="server"/> for <paramref name="destination"/> holding the event.</summary>
    private static async Task<List<long>> QueuedAsync(FederatingServer server, string destination, string eventId)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HomeserverDbContext>();
        var ordering = await db.Events.Where(e => e.EventId == eventId).Select(e => e.StreamOrdering).SingleAsync();
        return await db.FederationOutbox.Where(o => o.Destination == destination && o.StreamOrdering == ordering).Select(o => o.Id).ToListAsync();
    }
}

public sealed class SqliteHandshakeRelayTests(SqliteFederatingTrio trio) : HandshakeRelayTests(trio), IClassFixture<SqliteFederatingTrio>;

public sealed class PostgresHandshakeRelayTests(PostgresFederatingTrio trio) : HandshakeRelayTests(trio), IClassFixture<PostgresFederatingTrio>;
