using System.Text.Json.Nodes;
using Messenger.Federation.Client;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.FederationApi.InviteFederationTests;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>
/// "Knocking upon a room" between two real servers: a user of B knocks on a room of A through make_knock/send_knock,
/// sees it in /sync <c>rooms.knock</c> with the room's stripped state, is let in by an invite and joins; a knock is
/// withdrawn through make_leave/send_leave. make_knock needs <c>ver</c> (400 <c>M_MISSING_PARAM</c>), a version list
/// holding the room's (<c>M_INCOMPATIBLE_ROOM_VERSION</c>), a room that takes knocks (403) and a known room (404).
/// </summary>
public abstract class KnockFederationTests(FederatingPair pair)
{
    private const string V3 = MatrixTestClient.V3;

    [Fact]
    public async Task Knock_through_the_resident_server_is_shown_then_accepted_by_invite_and_join()
    {
        var (roomId, alice, bob) = await KnockedAsync();

        var atA = (await pair.A.Client.RoomGetAsync(alice, roomId, $"state/m.room.member/{Uri.EscapeDataString(bob.UserId)}")).AssertOk().Body;
        Assert.Equal("knock", (string?)atA["membership"]);
        Assert.Equal("let me in", (string?)atA["reason"]);
        var sync = await pair.B.Client.SyncAsync(bob);
        var knockState = sync["rooms"]!["knock"]![roomId]!["knock_state"]!["events"]!.AsArray();
        Assert.Contains(knockState, e => (string?)e!["type"] == EventTypes.Create);
        Assert.Contains(knockState, e => (string?)e!["type"] == EventTypes.JoinRules && (string?)e["content"]!["join_rule"] == "knock");
        Assert.Contains(knockState, e => (string?)e!["type"] == EventTypes.Member && (string?)e["state_key"] == bob.UserId && (string?)e["content"]!["membership"] == "knock");

        (await pair.A.Client.RoomPostAsync(alice, roomId, "invite", new { user_id = bob.UserId })).AssertOk();
        var invited = await pair.B.Client.SyncAsync(bob, (string)sync["next_batch"]!);
        Assert.True(invited["rooms"]!["invite"]!.AsObject().ContainsKey(roomId));
        Assert.False(invited["rooms"]!["knock"]!.AsObject().ContainsKey(roomId));

        (await pair.B.Client.PostMatrixAsync($"{V3}/join/{Uri.EscapeDataString(roomId)}", new { }, bob.AccessToken)).AssertOk();
        var members = (await pair.A.Client.RoomGetAsync(alice, roomId, "joined_members")).AssertOk().Body["joined"]!.AsObject();
        Assert.True(members.ContainsKey(bob.UserId));
    }

    [Fact]
    public async Task Knock_is_withdrawn_through_make_leave_and_send_leave()
    {
        var (roomId, alice, bob) = await KnockedAsync();
        var since = (string)(await pair.B.Client.SyncAsync(bob))["next_batch"]!;

        (await pair.B.Client.PostMatrixAsync($"{V3}/rooms/{Uri.EscapeDataString(roomId)}/leave", new { }, bob.AccessToken)).AssertOk();

        var atA = (await pair.A.Client.RoomGetAsync(alice, roomId, $"state/m.room.member/{Uri.EscapeDataString(bob.UserId)}")).AssertOk().Body;
        Assert.Equal("leave", (string?)atA["membership"]);
        var after = await pair.B.Client.SyncAsync(bob, since);
        Assert.True(after["rooms"]!["leave"]!.AsObject().ContainsKey(roomId));
        Assert.False((await pair.B.Client.SyncAsync(bob))["rooms"]!["knock"]!.AsObject().ContainsKey(roomId));
    }

    [Fact]
    public async Task Knock_on_a_room_that_takes_none_is_forbidden_and_nothing_is_kept()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new { preset = "private_chat" });
        var bob = await pair.B.Client.RegisterAsync();

        (await pair.B.Client.PostMatrixAsync($"{V3}/knock/{Uri.EscapeDataString(roomId)}?via={pair.A.ServerName}", new { }, bob.AccessToken))
            .AssertError(403, "M_FORBIDDEN");

        Assert.False((await pair.B.Client.SyncAsync(bob))["rooms"]!["knock"]!.AsObject().ContainsKey(roomId));
    }

    [Fact]
    public async Task Make_knock_checks_ver_the_rooms_version_and_the_room()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new { preset = "private_chat", initial_state = new[] { KnockRule } });
        var user = Uri.EscapeDataString("@x:" + pair.B.ServerName);
        string Path(string room, string query) => $"/_matrix/federation/v1/make_knock/{Uri.EscapeDataString(room)}/{user}{query}";
        Task<FederationRequestException> Refused(string path) => Assert.ThrowsAsync<FederationRequestException>(() =>
            Client(pair.B).GetJsonAsync(pair.A.ServerName, path, CancellationToken.None, FederationCallOptions.NoRetry));

        Assert.Equal((400, "M_MISSING_PARAM"), ((await Refused(Path(roomId, ""))).Status, (await Refused(Path(roomId, ""))).Errcode));
        var incompatible = await Refused(Path(roomId, "?ver=1&ver=7"));
        Assert.Equal((400, "M_INCOMPATIBLE_ROOM_VERSION"), (incompatible.Status, incompatible.Errcode));
        Assert.Equal(404, (await Refused(Path("!unknown:" + pair.A.ServerName, "?ver=12"))).Status);

        var room = await SnapshotAsync(pair.A, roomId);
        var made = await Client(pair.B).GetJsonAsync(pair.A.ServerName, Path(roomId, "?ver=" + room.Version.Id), CancellationToken.None);
        Assert.Equal(room.Version.Id, (string?)made["room_version"]);
        Assert.Equal("knock", (string?)made["event"]!["content"]!["membership"]);
        Assert.Equal(pair.A.ServerName, (string?)made["event"]!["origin"]);
    }

    [Fact]
    public async Task Send_knock_of_a_non_knock_event_is_invalid()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new { preset = "private_chat", initial_state = new[] { KnockRule } });
        var room = await SnapshotAsync(pair.A, roomId);
        var bobId = "@bob:" + pair.B.ServerName;
        var notKnock = Member(pair.B, roomId, bobId, bobId, "leave", room.Version);
        var eventId = Messenger.Federation.Protocol.Events.PduFormat.Parse(notKnock.DeepClone().AsObject(), room.Version).Value!.EventId;

        var refused = await Assert.ThrowsAsync<FederationRequestException>(() => Client(pair.B).PutJsonAsync(pair.A.ServerName,
            $"/_matrix/federation/v1/send_knock/{Uri.EscapeDataString(roomId)}/{Uri.EscapeDataString(eventId)}", notKnock, CancellationToken.None, FederationCallOptions.NoRetry));

        Assert.Equal((400, "M_INVALID_PARAM"), (refused.Status, refused.Errcode));
    }

    private static readonly object KnockRule = new { type = "m.room.join_rules", state_key = "", content = new { join_rule = "knock" } };

    /// <summary>Alice (A) creates a room with join rule knock; Bob (B) knocks on it through A.</summary>
    private async Task<(string RoomId, Session Alice, Session Bob)> KnockedAsync()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new { preset = "private_chat", name = "Knock first", initial_state = new[] { KnockRule } });
        var bob = await pair.B.Client.RegisterAsync();
        var knocked = await pair.B.Client.PostMatrixAsync($"{V3}/knock/{Uri.EscapeDataString(roomId)}?via={pair.A.ServerName}", new { reason = "let me in" }, bob.AccessToken);
        Assert.Equal(roomId, knocked.AssertOk().String("room_id"));
        return (roomId, alice, bob);
    }
}

public sealed class SqliteKnockFederationTests(SqliteFederatingPair pair) : KnockFederationTests(pair), IClassFixture<SqliteFederatingPair>;

public sealed class PostgresKnockFederationTests(PostgresFederatingPair pair) : KnockFederationTests(pair), IClassFixture<PostgresFederatingPair>;
