using System.Diagnostics;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.Keys;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Homeserver.RoomServer.Remote;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.LoadTest;

/// <summary>
/// Issue #7's federation speed targets, measured on the room server's receive path in-process (the work behind
/// <c>PUT /send</c> and <c>send_join</c>: signature and hash checks, auth, state, one transaction; without HTTP and
/// X-Matrix, whose cost does not grow with the room): joining a remote room whose state has 10,000 members, and a
/// transaction of 50 message PDUs into a room with 1,000 members.
/// </summary>
public static class FederationScenario
{
    public static async Task RunAsync(LoadServer server)
    {
        await JoinAsync(server, 10_000);
        await SendAsync(server, 1_000);
    }

    private static async Task JoinAsync(LoadServer server, int members)
    {
        var room = new SignedRoomBuilder($"remote{Guid.NewGuid():N}"[..14] + ".test", RoomVersions.V10);
        room.CreateWithMembers(members);
        server.Keys.Publish(room.ServerName, room.Key);
        var (joinEvent, state, chain) = await LocalJoinAsync(server, room);
        var stopwatch = Stopwatch.StartNew();
        var result = await JoinRoomAsync(server, room, joinEvent, state, chain);
        Console.WriteLine($"federation [join a room of {members} members, {state.Count} state + {chain.Count} auth chain events]: {stopwatch.ElapsedMilliseconds} ms ({result.Outcome})");
    }

    private static async Task SendAsync(LoadServer server, int members)
    {
        var room = new SignedRoomBuilder($"remote{Guid.NewGuid():N}"[..14] + ".test", RoomVersions.V10);
        room.CreateWithMembers(members);
        server.Keys.Publish(room.ServerName, room.Key);
        var (joinEvent, state, chain) = await LocalJoinAsync(server, room);
        await JoinRoomAsync(server, room, joinEvent, state, chain);

        for (var round = 0; round < 5; round++)
        {
            var pdus = Enumerable.Range(0, 50).Select(i => room.Add(room.User("m" + (i * 7 % members)), "m.room.message",
                new JsonObject { ["msgtype"] = "m.text", ["body"] = $"round {round} message {i}" }).Json.DeepClone().AsObject()).ToList();
            var stopwatch = Stopwatch.StartNew();
            await using var scope = server.Services.CreateAsyncScope();
            var results = await scope.ServiceProvider.GetRequiredService<RemoteEventIngest>().IngestAsync(room.RoomId, pdus, CancellationToken.None);
            var accepted = results.Count(r => r.Outcome == IngestOutcome.Accepted);
            Console.WriteLine($"federation [50 message PDUs into a room of {members} members, round {round + 1}]: {stopwatch.Elapsed.TotalMilliseconds:F1} ms ({accepted} accepted)");
        }
    }

    /// <summary>A local user's join, built on the remote room's last event and signed with this server's key.</summary>
    private static async Task<(JsonObject Join, List<JsonObject> State, List<JsonObject> Chain)> LocalJoinAsync(LoadServer server, SignedRoomBuilder room)
    {
        var (userId, _) = await server.RegisterAsync("joiner" + Guid.NewGuid().ToString("N")[..8]);
        var (state, chain) = room.StateAndAuthChain();
        var join = room.Add(userId, EventTypes.Member, new JsonObject { ["membership"] = "join" }, userId, "load.test", server.Services.GetRequiredService<ServerSigningKey>());
        return (join.Json.DeepClone().AsObject(), state, chain);
    }

    private static async Task<IngestResult> JoinRoomAsync(LoadServer server, SignedRoomBuilder room, JsonObject join, List<JsonObject> state, List<JsonObject> chain)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RemoteRoomJoin>().PersistJoinAsync(room.RoomId, room.Version, join, state, chain, CancellationToken.None);
    }
}
