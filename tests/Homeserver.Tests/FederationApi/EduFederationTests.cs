using System.Text.Json.Nodes;
using Messenger.Federation.Client;
using Messenger.Homeserver.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>
/// Typing, receipts and presence between two real servers ("Typing Notifications", "Receipts", "Presence" of the
/// server-server API): a local change goes to the other server as an EDU through the federation sender and shows in
/// the other server's <c>/sync</c> as the client-server API shapes it; an EDU for a user the origin does not own or
/// who is not in the room is ignored.
/// </summary>
public abstract class EduFederationTests(FederatingPair pair)
{
    private const string V3 = MatrixTestClient.V3;

    private static List<JsonObject> Ephemeral(JsonObject sync, string roomId, string type) =>
        sync["rooms"]?["join"]?[roomId]?["ephemeral"]?["events"]?.AsArray().Select(e => e!.AsObject()).Where(e => (string?)e["type"] == type).ToList() ?? [];

    private static List<string>? TypingUsers(JsonObject sync, string roomId) =>
        Ephemeral(sync, roomId, "m.typing").LastOrDefault()?["content"]!["user_ids"]!.AsArray().Select(u => (string)u!).ToList();

    private static Task<MatrixResponse> TypingAsync(FederatingServer server, Session user, string roomId, bool typing) =>
        server.Client.SendMatrixAsync(HttpMethod.Put, $"{V3}/rooms/{Uri.EscapeDataString(roomId)}/typing/{Uri.EscapeDataString(user.UserId)}",
            typing ? new { typing = true, timeout = 30000 } : new { typing = false }, user.AccessToken);

    [Fact]
    public async Task Typing_crosses_both_ways_and_so_does_stopping()
    {
        var (roomId, alice, bob) = await SharedRooms.SharedRoomAsync(pair.A, pair.B);
        var bobSince = await pair.B.Client.NextBatchAsync(bob);
        var aliceSince = await pair.A.Client.NextBatchAsync(alice);

        (await TypingAsync(pair.A, alice, roomId, true)).AssertOk();
        var atB = await pair.B.Client.SyncUntilAsync(bob, bobSince, s => TypingUsers(s, roomId) is not null);
        Assert.Equal([alice.UserId], TypingUsers(atB, roomId));

        (await TypingAsync(pair.A, alice, roomId, false)).AssertOk();
        atB = await pair.B.Client.SyncUntilAsync(bob, (string)atB["next_batch"]!, s => TypingUsers(s, roomId) is not null);
        Assert.Equal([], TypingUsers(atB, roomId));

        (await TypingAsync(pair.B, bob, roomId, true)).AssertOk();
        var atA = await pair.A.Client.SyncUntilAsync(alice, aliceSince, s => TypingUsers(s, roomId) is { Count: > 0 });
        Assert.Equal([bob.UserId], TypingUsers(atA, roomId));
    }

    [Fact]
    public async Task Typing_edu_for_a_user_the_origin_does_not_own_or_who_is_not_in_the_room_is_ignored()
    {
        var (roomId, alice, bob) = await SharedRooms.SharedRoomAsync(pair.A, pair.B);
        var bobSince = await pair.B.Client.NextBatchAsync(bob);
        var outsider = await pair.A.Client.RegisterAsync();

        // A claims B's own user, and a user of A who never joined: "Receiving servers should verify that the user is in
        // the room, and is a user belonging to the sending server."
        await PushEdusAsync(pair.A, pair.B, [
            Typing(roomId, bob.UserId), Typing(roomId, outsider.UserId),
        ]);
        (await TypingAsync(pair.A, alice, roomId, true)).AssertOk();

        var atB = await pair.B.Client.SyncUntilAsync(bob, bobSince, s => TypingUsers(s, roomId) is { Count: > 0 });
        Assert.Equal([alice.UserId], TypingUsers(atB, roomId));
    }

    [Fact]
    public async Task Read_receipts_cross_both_ways()
    {
        var (roomId, alice, bob) = await SharedRooms.SharedRoomAsync(pair.A, pair.B);
        var bobSince = await pair.B.Client.NextBatchAsync(bob);
        var aliceSince = await pair.A.Client.NextBatchAsync(alice);
        var eventId = await pair.A.Client.SendTextAsync(alice, roomId, "read me");
        Assert.Equal(["read me"], await pair.B.Client.CollectBodiesAsync(bob, bobSince, roomId, 1));

        (await pair.B.Client.RoomPostAsync(bob, roomId, $"receipt/m.read/{Uri.EscapeDataString(eventId)}", new { })).AssertOk();

        var atA = await pair.A.Client.SyncUntilAsync(alice, aliceSince,
            s => Ephemeral(s, roomId, "m.receipt").Any(r => r["content"]?[eventId]?["m.read"]?[bob.UserId] is not null));
        var receipt = Ephemeral(atA, roomId, "m.receipt").Last()["content"]![eventId]!["m.read"]![bob.UserId]!;
        Assert.True(receipt["ts"]!.GetValue<long>() > 0);

        (await pair.A.Client.RoomPostAsync(alice, roomId, $"receipt/m.read/{Uri.EscapeDataString(eventId)}", new { })).AssertOk();
        await pair.B.Client.SyncUntilAsync(bob, bobSince,
            s => Ephemeral(s, roomId, "m.receipt").Any(r => r["content"]?[eventId]?["m.read"]?[alice.UserId] is not null));
    }

    [Fact]
    public async Task Receipt_edu_for_another_servers_user_is_ignored()
    {
        var (roomId, alice, bob) = await SharedRooms.SharedRoomAsync(pair.A, pair.B);
        var eventId = await pair.A.Client.SendTextAsync(alice, roomId, "not read by bob");
        var bobSince = await pair.B.Client.NextBatchAsync(bob);
        await pair.B.Client.CollectBodiesAsync(bob, bobSince, roomId, 1);

        // B claims a receipt for A's user; A must not take it, while B's own user's receipt in the same EDU counts.
        await PushEdusAsync(pair.B, pair.A, [new JsonObject
        {
            ["edu_type"] = "m.receipt",
            ["content"] = new JsonObject
            {
                [roomId] = new JsonObject
                {
                    ["m.read"] = new JsonObject
                    {
                        [alice.UserId] = new JsonObject { ["event_ids"] = new JsonArray(eventId), ["data"] = new JsonObject { ["ts"] = 1 } },
                        [bob.UserId] = new JsonObject { ["event_ids"] = new JsonArray(eventId), ["data"] = new JsonObject { ["ts"] = 2 } },
                    },
                },
            },
        }]);

        var atA = await pair.A.Client.SyncAsync(alice);
        var reads = Ephemeral(atA, roomId, "m.receipt").Single()["content"]![eventId]!["m.read"]!.AsObject();
        Assert.Equal([bob.UserId], reads.Select(kv => kv.Key));
    }

    [Fact]
    public async Task Presence_crosses_to_users_who_share_a_room()
    {
        var (_, alice, bob) = await SharedRooms.SharedRoomAsync(pair.A, pair.B);
        var aliceSince = await pair.A.Client.NextBatchAsync(alice);

        (await pair.B.Client.SendMatrixAsync(HttpMethod.Put, $"{V3}/presence/{Uri.EscapeDataString(bob.UserId)}/status",
            new { presence = "unavailable", status_msg = "away on B" }, bob.AccessToken)).AssertOk();

        static JsonObject? BobsPresence(JsonObject sync, string userId) => sync["presence"]?["events"]?.AsArray()
            .Select(e => e!.AsObject()).LastOrDefault(e => (string?)e["sender"] == userId && (string?)e["content"]?["status_msg"] == "away on B");
        var atA = await pair.A.Client.SyncUntilAsync(alice, aliceSince, s => BobsPresence(s, bob.UserId) is not null);
        var content = BobsPresence(atA, bob.UserId)!["content"]!;
        Assert.Equal("unavailable", (string?)content["presence"]);
        var status = (await pair.A.Client.GetMatrixAsync($"{V3}/presence/{Uri.EscapeDataString(bob.UserId)}/status", alice.AccessToken)).AssertOk();
        Assert.Equal("away on B", status.String("status_msg"));
    }

    private static JsonObject Typing(string roomId, string userId) => new()
    {
        ["edu_type"] = "m.typing", ["content"] = new JsonObject { ["room_id"] = roomId, ["user_id"] = userId, ["typing"] = true },
    };

    /// <summary>A transaction of EDUs only, signed by <paramref name="from"/>, sent straight to <paramref name="to"/>.</summary>
    private static Task<JsonObject> PushEdusAsync(FederatingServer from, FederatingServer to, JsonObject[] edus) =>
        from.Services.GetRequiredService<IFederationClient>().PutJsonAsync(to.ServerName, "/_matrix/federation/v1/send/" + Guid.NewGuid().ToString("N"),
            new JsonObject
            {
                ["origin"] = from.ServerName, ["origin_server_ts"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                ["pdus"] = new JsonArray(), ["edus"] = new JsonArray([.. edus]),
            }, CancellationToken.None);
}

public sealed class SqliteEduFederationTests(SqliteFederatingPair pair) : EduFederationTests(pair), IClassFixture<SqliteFederatingPair>;

public sealed class PostgresEduFederationTests(PostgresFederatingPair pair) : EduFederationTests(pair), IClassFixture<PostgresFederatingPair>;
