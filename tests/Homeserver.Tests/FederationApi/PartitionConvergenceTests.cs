using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>
/// Three servers share a room, then C is cut off from A and B. On one side Alice bans Dave and sets a topic; on the
/// other Carol raises Bob's power level and sets a topic, concurrently. When the partition heals, the events are
/// exchanged by the senders' retries and every server resolves the branches with the room version's state resolution
/// ("Room State Resolution", v2): all three end with the same current state — Dave banned, Bob at 50, and the topic
/// of the branch whose events sit later on the power-level mainline (Carol's, which follows her new power levels).
/// </summary>
public abstract class PartitionConvergenceTests(FederatingTrio trio)
{
    private const string V3 = MatrixTestClient.V3;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static async Task<Dictionary<string, JsonObject>> StateAsync(FederatingServer server, Session user, string roomId)
    {
        var response = (await server.Client.RoomGetAsync(user, roomId, "state")).AssertOk();
        var events = JsonNode.Parse(await response.Raw.Content.ReadAsStringAsync())!.AsArray();
        return events.Select(e => e!.AsObject()).ToDictionary(e => $"{e["type"]}|{e["state_key"]}");
    }

    private static string? Membership(Dictionary<string, JsonObject> state, string userId) =>
        (string?)state.GetValueOrDefault("m.room.member|" + userId)?["content"]?["membership"];

    private static async Task<Dictionary<string, JsonObject>> WaitForStateAsync(FederatingServer server, Session user, string roomId,
        Func<Dictionary<string, JsonObject>, bool> done)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var state = await StateAsync(server, user, roomId);
            if (done(state)) return state;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{server.ServerName} never reached the expected state: "
                    + string.Join(", ", state.Where(kv => !kv.Key.StartsWith("m.room.member|", StringComparison.Ordinal) || (string?)kv.Value["content"]?["membership"] != "join")
                        .Select(kv => $"{kv.Key}={kv.Value["content"]!.ToJsonString()}")));
            await server.Client.SyncAsync(user, timeoutMs: 0);
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Ban_on_one_side_and_power_levels_on_the_other_converge_on_all_three_servers_after_the_partition_heals()
    {
        var alice = await trio.A.Client.RegisterAsync();
        var bob = await trio.B.Client.RegisterAsync();
        var dave = await trio.B.Client.RegisterAsync();
        var carol = await trio.C.Client.RegisterAsync();
        var roomId = await trio.A.Client.CreateRoomAsync(alice, new JsonObject
        {
            ["preset"] = "public_chat",
            ["power_level_content_override"] = new JsonObject { ["users"] = new JsonObject { [carol.UserId] = 100 } },
        });
        await SharedRooms.JoinAsync(trio.B, bob, roomId, trio.A.ServerName);
        await SharedRooms.JoinAsync(trio.B, dave, roomId, trio.A.ServerName);
        await SharedRooms.JoinAsync(trio.C, carol, roomId, trio.A.ServerName);
        // Dave's join is local to B (already in the room) and reaches C only through an event citing it: Alice's message.
        await trio.A.Client.SendTextAsync(alice, roomId, "everyone here");
        string[] everyone = [alice.UserId, bob.UserId, dave.UserId, carol.UserId];
        bool AllJoined(Dictionary<string, JsonObject> s) => everyone.All(u => Membership(s, u) == "join");
        await WaitForStateAsync(trio.A, alice, roomId, AllJoined);
        await WaitForStateAsync(trio.B, bob, roomId, AllJoined);
        await WaitForStateAsync(trio.C, carol, roomId, AllJoined);

        trio.A.Partition.Refuse(trio.C.ServerName);
        trio.B.Partition.Refuse(trio.C.ServerName);
        trio.C.Partition.Refuse(trio.A.ServerName, trio.B.ServerName);

        // Side A+B: a ban and a topic.
        (await trio.A.Client.RoomPostAsync(alice, roomId, "ban", new { user_id = dave.UserId, reason = "partition test" })).AssertOk();
        (await trio.A.Client.PutStateAsync(alice, roomId, "m.room.topic", "", new { topic = "topic from A" })).AssertOk();
        // Side C: a power-level change and a topic.
        var levels = (await trio.C.Client.RoomGetAsync(carol, roomId, "state/m.room.power_levels/")).AssertOk().Body;
        levels["users"]![bob.UserId] = 50;
        (await trio.C.Client.PutStateAsync(carol, roomId, "m.room.power_levels", "", levels)).AssertOk();
        (await trio.C.Client.PutStateAsync(carol, roomId, "m.room.topic", "", new { topic = "topic from C" })).AssertOk();

        await WaitForStateAsync(trio.B, bob, roomId, s => Membership(s, dave.UserId) == "ban");
        var isolated = await StateAsync(trio.C, carol, roomId);
        Assert.Equal("join", Membership(isolated, dave.UserId));
        Assert.Equal("topic from C", (string?)isolated["m.room.topic|"]["content"]!["topic"]);

        trio.A.Partition.Heal();
        trio.B.Partition.Heal();
        trio.C.Partition.Heal();

        bool Converged(Dictionary<string, JsonObject> s) => Membership(s, dave.UserId) == "ban"
            && (int?)s["m.room.power_levels|"]["content"]!["users"]![bob.UserId] == 50
            && (string?)s.GetValueOrDefault("m.room.topic|")?["content"]?["topic"] == "topic from C";
        var atA = await WaitForStateAsync(trio.A, alice, roomId, Converged);
        var atB = await WaitForStateAsync(trio.B, bob, roomId, Converged);
        var atC = await WaitForStateAsync(trio.C, carol, roomId, Converged);

        // The same events, not just the same values.
        var ids = (Dictionary<string, JsonObject> s) => s.ToDictionary(kv => kv.Key, kv => (string)kv.Value["event_id"]!);
        Assert.Equal(ids(atA), ids(atB));
        Assert.Equal(ids(atA), ids(atC));
    }
}

public sealed class SqlitePartitionConvergenceTests(SqliteFederatingTrio trio) : PartitionConvergenceTests(trio), IClassFixture<SqliteFederatingTrio>;

public sealed class PostgresPartitionConvergenceTests(PostgresFederatingTrio trio) : PartitionConvergenceTests(trio), IClassFixture<PostgresFederatingTrio>;
