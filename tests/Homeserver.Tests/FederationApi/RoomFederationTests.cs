using System.Text.Json.Nodes;
using Messenger.Federation.Client;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>
/// Two real servers on 127.0.0.1 share a room ("Joining Rooms", "Transactions", "Retrieving events"): a user of B
/// joins a room of A through make_join/send_join, both servers show the join, events pushed as transactions reach the
/// other server's sync, and the read endpoints answer only servers in the room.
/// </summary>
public abstract class RoomFederationTests(FederatingPair pair)
{
    private const string V3 = MatrixTestClient.V3;

    [Fact]
    public async Task User_of_B_joins_a_room_of_A_and_both_servers_show_the_join()
    {
        var (roomId, alice, bob) = await SharedRoomAsync();

        var bobSync = await pair.B.Client.SyncAsync(bob);
        var state = bobSync["rooms"]!["join"]![roomId]!["state"]!["events"]!.AsArray();
        Assert.Contains(state, e => (string?)e!["type"] == EventTypes.Create && (string?)e["sender"] == alice.UserId);
        Assert.Contains(bobSync.Timeline(roomId), e => (string?)e["type"] == EventTypes.Member && (string?)e["state_key"] == bob.UserId);

        var aliceSync = await pair.A.Client.SyncAsync(alice);
        Assert.Contains(aliceSync.Timeline(roomId), e => (string?)e["type"] == EventTypes.Member && (string?)e["state_key"] == bob.UserId);
        var members = (await pair.A.Client.RoomGetAsync(alice, roomId, "joined_members")).AssertOk().Body["joined"]!.AsObject();
        Assert.True(members.ContainsKey(bob.UserId));
    }

    [Fact]
    public async Task Messages_reach_the_other_servers_sync_both_ways_through_the_sender()
    {
        var (roomId, alice, bob) = await SharedRoomAsync();
        var bobSince = await pair.B.Client.NextBatchAsync(bob);
        var aliceSince = await pair.A.Client.NextBatchAsync(alice);

        // Nothing is pushed by hand: each server's federation sender delivers its local events to the other.
        await pair.A.Client.SendTextAsync(alice, roomId, "hello from A");
        Assert.Equal(["hello from A"], await pair.B.Client.CollectBodiesAsync(bob, bobSince, roomId, 1));

        await pair.B.Client.SendTextAsync(bob, roomId, "hello from B");
        Assert.Equal(["hello from A", "hello from B"], await pair.A.Client.CollectBodiesAsync(alice, aliceSince, roomId, 2));
    }

    [Fact]
    public async Task An_event_pushed_as_a_transaction_is_answered_with_an_empty_result()
    {
        var (roomId, alice, _) = await SharedRoomAsync();
        var eventId = await pair.A.Client.SendTextAsync(alice, roomId, "pushed");

        // A repeat of what the sender delivers: "pdus" maps each event id to {} when it was processed (or was known).
        var answer = await PushAsync(pair.A, pair.B, roomId, eventId);
        Assert.Empty(answer["pdus"]![eventId]!.AsObject());
    }

    [Fact]
    public async Task Transaction_over_50_pdus_is_refused()
    {
        var (roomId, alice, _) = await SharedRoomAsync();
        var eventId = await pair.A.Client.SendTextAsync(alice, roomId, "one");
        var pdu = await PduAsync(pair.A, roomId, eventId);
        var body = new JsonObject { ["origin"] = pair.A.ServerName, ["origin_server_ts"] = 1, ["pdus"] = new JsonArray([.. Enumerable.Range(0, 51).Select(_ => (JsonNode)pdu.DeepClone())]) };

        var refused = await Assert.ThrowsAsync<FederationRequestException>(() =>
            Client(pair.A).PutJsonAsync(pair.B.ServerName, "/_matrix/federation/v1/send/too-many", body, CancellationToken.None, FederationCallOptions.NoRetry));
        Assert.Equal(400, refused.Status);
    }

    [Fact]
    public async Task Make_join_for_a_server_without_the_rooms_version_is_incompatible()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new { preset = "public_chat" });

        var refused = await Assert.ThrowsAsync<FederationRequestException>(() => Client(pair.B).GetJsonAsync(pair.A.ServerName,
            $"/_matrix/federation/v1/make_join/{Uri.EscapeDataString(roomId)}/{Uri.EscapeDataString("@x:" + pair.B.ServerName)}?ver=1",
            CancellationToken.None, FederationCallOptions.NoRetry));
        Assert.Equal("M_INCOMPATIBLE_ROOM_VERSION", refused.Errcode);
    }

    [Fact]
    public async Task Events_and_state_are_served_only_to_servers_in_the_room()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new { preset = "public_chat" });
        var eventId = await pair.A.Client.SendTextAsync(alice, roomId, "secret until joined");
        var path = "/_matrix/federation/v1/event/" + Uri.EscapeDataString(eventId);

        var hidden = await Assert.ThrowsAsync<FederationRequestException>(() => Client(pair.B).GetJsonAsync(pair.A.ServerName, path, CancellationToken.None, FederationCallOptions.NoRetry));
        Assert.Equal(404, hidden.Status);

        var bob = await pair.B.Client.RegisterAsync();
        (await pair.B.Client.PostMatrixAsync($"{V3}/join/{Uri.EscapeDataString(roomId)}?server_name={pair.A.ServerName}", new { }, bob.AccessToken)).AssertOk();
        var served = await Client(pair.B).GetJsonAsync(pair.A.ServerName, path, CancellationToken.None);
        Assert.Equal("secret until joined", (string?)served["pdus"]![0]!["content"]!["body"]);
        var stateIds = await Client(pair.B).GetJsonAsync(pair.A.ServerName,
            $"/_matrix/federation/v1/state_ids/{Uri.EscapeDataString(roomId)}?event_id={Uri.EscapeDataString(eventId)}", CancellationToken.None);
        Assert.NotEmpty(stateIds["pdu_ids"]!.AsArray());
        Assert.NotEmpty(stateIds["auth_chain_ids"]!.AsArray());
    }

    [Fact]
    public async Task Server_denied_by_the_rooms_acl_cannot_join()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await pair.A.Client.PutStateAsync(alice, roomId, "m.room.server_acl", "",
            new { allow = new[] { "*" }, deny = new[] { pair.B.ServerName }, allow_ip_literals = false })).AssertOk();
        var bob = await pair.B.Client.RegisterAsync();

        (await pair.B.Client.PostMatrixAsync($"{V3}/join/{Uri.EscapeDataString(roomId)}?server_name={pair.A.ServerName}", new { }, bob.AccessToken))
            .AssertError(403, "M_FORBIDDEN");
    }

    /// <summary>Alice (A) creates a public room and Bob (B) joins it through A.</summary>
    private async Task<(string RoomId, Session Alice, Session Bob)> SharedRoomAsync()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new { preset = "public_chat" });
        var bob = await pair.B.Client.RegisterAsync();
        var joined = await pair.B.Client.PostMatrixAsync($"{V3}/join/{Uri.EscapeDataString(roomId)}?server_name={pair.A.ServerName}", new { }, bob.AccessToken);
        Assert.Equal(roomId, joined.AssertOk().String("room_id"));
        return (roomId, alice, bob);
    }

    /// <summary>Sends one stored event of <paramref name="from"/> to <paramref name="to"/> as a transaction (what the per-destination sender does).</summary>
    private static async Task<JsonObject> PushAsync(FederatingServer from, FederatingServer to, string roomId, string eventId)
    {
        var body = new JsonObject
        {
            ["origin"] = from.ServerName, ["origin_server_ts"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ["pdus"] = new JsonArray(await PduAsync(from, roomId, eventId)),
        };
        return await Client(from).PutJsonAsync(to.ServerName, "/_matrix/federation/v1/send/" + Guid.NewGuid().ToString("N"), body, CancellationToken.None);
    }

    private static async Task<JsonObject> PduAsync(FederatingServer server, string roomId, string eventId)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var pipeline = scope.ServiceProvider.GetRequiredService<RoomEventPipeline>();
        var room = (await pipeline.SnapshotAsync(roomId, CancellationToken.None))!;
        return (await pipeline.LoadEventAsync(eventId, room.Version, CancellationToken.None)).Json.DeepClone().AsObject();
    }

    private static IFederationClient Client(FederatingServer server) => server.Services.GetRequiredService<IFederationClient>();
}

public sealed class SqliteRoomFederationTests(SqliteFederatingPair pair) : RoomFederationTests(pair), IClassFixture<SqliteFederatingPair>;

public sealed class PostgresRoomFederationTests(PostgresFederatingPair pair) : RoomFederationTests(pair), IClassFixture<PostgresFederatingPair>;
