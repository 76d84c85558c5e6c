using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Homeserver.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>
/// invites-v2: "Senders which receive a 400 or 404 response to this endpoint should retry using the v1 API as the server
/// may be older, if the room version is "1" or "2"." The v1 request is the invite event itself with
/// <c>unsigned.invite_room_state</c>; its answer is <c>[200, {"event": ...}]</c>.
/// </summary>
public abstract class InviteFallbackTests(FederatingPair pair)
{
    [Fact]
    public async Task Invite_in_a_v1_room_goes_to_v1_invite_when_the_invitees_server_does_not_know_v2()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new { preset = "private_chat", room_version = "1", name = "Old times" });
        await using var old = await OldServerAsync(out var asked);
        var carol = "@carol:" + old.ServerName;

        (await pair.A.Client.RoomPostAsync(alice, roomId, "invite", new { user_id = carol })).AssertOk();

        Assert.Equal(["v2", "v1"], asked.Select(a => a.Version));
        var sent = asked[1].Body!;
        Assert.Equal("invite", (string?)sent["content"]!["membership"]);
        Assert.Equal(carol, (string?)sent["state_key"]);
        Assert.Contains(sent["unsigned"]!["invite_room_state"]!.AsArray(), e => (string?)e!["type"] == EventTypes.Create);
        var stored = await InviteFederationTests.PduAsync(pair.A, roomId,
            (await InviteFederationTests.SnapshotAsync(pair.A, roomId)).StateEventId(EventTypes.Member, carol)!);
        Assert.NotNull(stored["signatures"]![old.ServerName]);
    }

    [Fact]
    public async Task Invite_in_a_newer_room_is_not_retried_on_v1()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new { preset = "private_chat", room_version = "10" });
        await using var old = await OldServerAsync(out var asked);

        (await pair.A.Client.RoomPostAsync(alice, roomId, "invite", new { user_id = "@carol:" + old.ServerName })).AssertError(502, "M_UNKNOWN");

        Assert.Equal(["v2"], asked.Select(a => a.Version));
    }

    /// <summary>A server that answers <c>v2/invite</c> with 404 <c>M_UNRECOGNIZED</c> and signs invites on <c>v1/invite</c>.</summary>
    private Task<FakeRemoteServer> OldServerAsync(out List<(string Version, JsonObject? Body)> asked)
    {
        var log = asked = [];
        FakeRemoteServer? server = null;
        var name = $"old{Guid.NewGuid():N}"[..12] + ".fed.test";
        var started = FakeRemoteServer.StartAsync(name, pair.Dns, app =>
        {
            app.MapPut("/_matrix/federation/v2/invite/{roomId}/{eventId}", () =>
            {
                lock (log) log.Add(("v2", null));
                return Results.Json(new JsonObject { ["errcode"] = "M_UNRECOGNIZED", ["error"] = "Unrecognized request" }, statusCode: 404);
            });
            app.MapPut("/_matrix/federation/v1/invite/{roomId}/{eventId}", async (HttpContext http) =>
            {
                var ev = (await JsonNode.ParseAsync(http.Request.Body))!.AsObject();
                lock (log) log.Add(("v1", (JsonObject)ev.DeepClone()));
                EventSigning.AddSignature(ev, RoomVersions.V1, name, server!.Key);
                return Results.Json(new JsonArray(200, new JsonObject { ["event"] = ev }));
            });
        });
        return started.ContinueWith(t => server = t.Result, TaskScheduler.Default);
    }
}

public sealed class SqliteInviteFallbackTests(SqliteFederatingPair pair) : InviteFallbackTests(pair), IClassFixture<SqliteFederatingPair>;

public sealed class PostgresInviteFallbackTests(PostgresFederatingPair pair) : InviteFallbackTests(pair), IClassFixture<PostgresFederatingPair>;
