using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Messenger.Federation.Client;
using Messenger.Federation.Protocol.Encoding;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>
/// "Inviting to a room" and "Leaving Rooms (Rejecting Invites)" between two real servers: an invite of a remote user is
/// signed by the invitee's server before it is stored, shows in the invitee's /sync with the room's stripped state, and
/// is accepted by a join through the inviter's server or rejected through make_leave/send_leave. A refused invite
/// stores nothing; malformed invites and leaves are 400 <c>M_INVALID_PARAM</c>, unsupported versions
/// <c>M_INCOMPATIBLE_ROOM_VERSION</c>.
/// </summary>
public abstract class InviteFederationTests(FederatingPair pair)
{
    private const string V3 = MatrixTestClient.V3;

    [Fact]
    public async Task Remote_invite_is_cosigned_shown_to_the_invitee_and_accepted_by_joining()
    {
        var (roomId, alice, bob) = await InvitedAsync();

        var inviteEvent = await StateEventAsync(pair.A, roomId, bob.UserId);
        Assert.Equal("invite", (string?)inviteEvent.Content["membership"]);
        Assert.NotNull(inviteEvent.Json["signatures"]![pair.B.ServerName]);
        Assert.NotNull(inviteEvent.Json["signatures"]![pair.A.ServerName]);

        var sync = await pair.B.Client.SyncAsync(bob);
        var inviteState = sync["rooms"]!["invite"]![roomId]!["invite_state"]!["events"]!.AsArray();
        Assert.Contains(inviteState, e => (string?)e!["type"] == EventTypes.Create);
        Assert.Contains(inviteState, e => (string?)e!["type"] == EventTypes.Name && (string?)e["content"]!["name"] == "Invite only");
        Assert.Contains(inviteState, e => (string?)e!["type"] == EventTypes.Member && (string?)e["state_key"] == bob.UserId
            && (string?)e["content"]!["membership"] == "invite" && (string?)e["sender"] == alice.UserId);

        // The room id names no server (v12): the join goes through the inviter's server.
        (await pair.B.Client.PostMatrixAsync($"{V3}/rooms/{Uri.EscapeDataString(roomId)}/join", new { }, bob.AccessToken)).AssertOk();
        var joined = await pair.B.Client.SyncAsync(bob, (string)sync["next_batch"]!);
        Assert.Contains(joined.Timeline(roomId), e => (string?)e["type"] == EventTypes.Member && (string?)e["state_key"] == bob.UserId
            && (string?)e["content"]!["membership"] == "join");
        Assert.False(joined["rooms"]!["invite"]!.AsObject().ContainsKey(roomId));
        var members = (await pair.A.Client.RoomGetAsync(alice, roomId, "joined_members")).AssertOk().Body["joined"]!.AsObject();
        Assert.True(members.ContainsKey(bob.UserId));
    }

    [Fact]
    public async Task A_remote_invite_wakes_the_invitees_waiting_sync_and_shows_in_it()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new { preset = "private_chat", name = "Invite only" });
        var bob = await pair.B.Client.RegisterAsync();
        // Two syncs before the invite: what they read of Bob's memberships must not hide the invite from the next one.
        var since = (string)(await pair.B.Client.SyncAsync(bob))["next_batch"]!;
        since = (string)(await pair.B.Client.SyncAsync(bob, since))["next_batch"]!;
        var waiting = pair.B.Client.SyncUntilAsync(bob, since, s => s["rooms"]!["invite"]!.AsObject().ContainsKey(roomId));

        (await pair.A.Client.RoomPostAsync(alice, roomId, "invite", new { user_id = bob.UserId })).AssertOk();

        var invited = await waiting;
        Assert.Contains(invited["rooms"]!["invite"]![roomId]!["invite_state"]!["events"]!.AsArray(),
            e => (string?)e!["type"] == EventTypes.Member && (string?)e["state_key"] == bob.UserId && (string?)e["content"]!["membership"] == "invite");
    }

    [Fact]
    public async Task CreateRoom_invites_a_remote_user_through_their_server_and_a_local_one_in_the_room()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var carol = await pair.A.Client.RegisterAsync();
        var bob = await pair.B.Client.RegisterAsync();

        var roomId = await pair.A.Client.CreateRoomAsync(alice, new { preset = "private_chat", name = "Created with invites", invite = new[] { bob.UserId, carol.UserId } });

        var inviteEvent = await StateEventAsync(pair.A, roomId, bob.UserId);
        Assert.Equal("invite", (string?)inviteEvent.Content["membership"]);
        Assert.NotNull(inviteEvent.Json["signatures"]![pair.B.ServerName]);
        Assert.Equal("invite", (string?)(await StateEventAsync(pair.A, roomId, carol.UserId)).Content["membership"]);
        var inviteState = (await pair.B.Client.SyncAsync(bob))["rooms"]!["invite"]![roomId]!["invite_state"]!["events"]!.AsArray();
        Assert.Contains(inviteState, e => (string?)e!["type"] == EventTypes.Name && (string?)e["content"]!["name"] == "Created with invites");
        (await pair.B.Client.PostMatrixAsync($"{V3}/rooms/{Uri.EscapeDataString(roomId)}/join", new { }, bob.AccessToken)).AssertOk();
        var members = (await pair.A.Client.RoomGetAsync(alice, roomId, "joined_members")).AssertOk().Body["joined"]!.AsObject();
        Assert.True(members.ContainsKey(bob.UserId));
    }

    [Fact]
    public async Task Rejecting_a_remote_invite_goes_through_the_inviters_server()
    {
        var (roomId, alice, bob) = await InvitedAsync();
        var since = (string)(await pair.B.Client.SyncAsync(bob))["next_batch"]!;

        (await pair.B.Client.PostMatrixAsync($"{V3}/rooms/{Uri.EscapeDataString(roomId)}/leave", new { reason = "no thanks" }, bob.AccessToken)).AssertOk();

        var atA = (await pair.A.Client.RoomGetAsync(alice, roomId, $"state/m.room.member/{Uri.EscapeDataString(bob.UserId)}")).AssertOk().Body;
        Assert.Equal("leave", (string?)atA["membership"]);
        Assert.Equal("no thanks", (string?)atA["reason"]);
        var afterwards = await pair.B.Client.SyncAsync(bob, since);
        var left = afterwards["rooms"]!["leave"]![roomId]!["timeline"]!["events"]!.AsArray();
        Assert.Contains(left, e => (string?)e!["type"] == EventTypes.Member && (string?)e["content"]!["membership"] == "leave");
        Assert.False((await pair.B.Client.SyncAsync(bob))["rooms"]!["invite"]!.AsObject().ContainsKey(roomId));
    }

    [Fact]
    public async Task Invite_the_invitees_server_refuses_is_forbidden_and_stores_nothing()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new { preset = "private_chat" });
        var nobody = $"@nobody_{Guid.NewGuid():N}:{pair.B.ServerName}";

        (await pair.A.Client.RoomPostAsync(alice, roomId, "invite", new { user_id = nobody })).AssertError(403, "M_FORBIDDEN");

        (await pair.A.Client.RoomGetAsync(alice, roomId, $"state/m.room.member/{Uri.EscapeDataString(nobody)}")).AssertError(404, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Invite_in_an_unsupported_room_version_is_incompatible()
    {
        var bob = await pair.B.Client.RegisterAsync();
        var invite = Member(pair.A, "!room:" + pair.A.ServerName, "@alice:" + pair.A.ServerName, bob.UserId, "invite", RoomVersions.V11);

        var refused = await InviteRawAsync("!room:" + pair.A.ServerName, invite, "99", []);

        Assert.Equal((400, "M_INCOMPATIBLE_ROOM_VERSION"), (refused.Status, refused.Errcode));
    }

    [Theory]
    [InlineData("join", true, "invitee")]
    [InlineData("invite", false, "invitee")]
    [InlineData("invite", true, "other-server")]
    public async Task Malformed_invites_are_invalid_param(string membership, bool withCreate, string target)
    {
        var bob = await pair.B.Client.RegisterAsync();
        var alice = await pair.A.Client.RegisterAsync();
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new { preset = "private_chat" });
        var room = await SnapshotAsync(pair.A, roomId);
        var invitee = target == "invitee" ? bob.UserId : "@carol:" + pair.A.ServerName;
        var invite = Member(pair.A, roomId, alice.UserId, invitee, membership, room.Version);
        var state = withCreate ? new JsonArray(await PduAsync(pair.A, roomId, room.StateEventId(EventTypes.Create)!)) : [];

        var refused = await InviteRawAsync(roomId, invite, room.Version.Id, state);

        Assert.Equal((400, "M_INVALID_PARAM"), (refused.Status, refused.Errcode));
        Assert.False((await pair.B.Client.SyncAsync(bob))["rooms"]!["invite"]!.AsObject().ContainsKey(roomId));
    }

    [Fact]
    public async Task Send_leave_of_a_non_leave_event_is_invalid_and_make_leave_is_only_for_the_origins_users()
    {
        var (roomId, _, bob) = await InvitedAsync();
        var room = await SnapshotAsync(pair.A, roomId);
        var notLeave = Member(pair.B, roomId, bob.UserId, bob.UserId, "join", room.Version);
        var eventId = PduFormat.Parse(notLeave.DeepClone().AsObject(), room.Version).Value!.EventId;

        var invalid = await Assert.ThrowsAsync<FederationRequestException>(() => Client(pair.B).PutJsonAsync(pair.A.ServerName,
            $"/_matrix/federation/v2/send_leave/{Uri.EscapeDataString(roomId)}/{Uri.EscapeDataString(eventId)}", notLeave, CancellationToken.None, FederationCallOptions.NoRetry));
        Assert.Equal((400, "M_INVALID_PARAM"), (invalid.Status, invalid.Errcode));

        var foreign = await Assert.ThrowsAsync<FederationRequestException>(() => Client(pair.B).GetJsonAsync(pair.A.ServerName,
            $"/_matrix/federation/v1/make_leave/{Uri.EscapeDataString(roomId)}/{Uri.EscapeDataString("@x:" + pair.A.ServerName)}", CancellationToken.None, FederationCallOptions.NoRetry));
        Assert.Equal(403, foreign.Status);

        var made = await Client(pair.B).GetJsonAsync(pair.A.ServerName,
            $"/_matrix/federation/v1/make_leave/{Uri.EscapeDataString(roomId)}/{Uri.EscapeDataString(bob.UserId)}", CancellationToken.None);
        Assert.Equal(room.Version.Id, (string?)made["room_version"]);
        Assert.Equal("leave", (string?)made["event"]!["content"]!["membership"]);
        Assert.Equal(bob.UserId, (string?)made["event"]!["state_key"]);
    }

    /// <summary>Alice (A) creates a named private room and invites Bob (B).</summary>
    private async Task<(string RoomId, Session Alice, Session Bob)> InvitedAsync()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new { preset = "private_chat", name = "Invite only" });
        var bob = await pair.B.Client.RegisterAsync();
        (await pair.A.Client.RoomPostAsync(alice, roomId, "invite", new { user_id = bob.UserId })).AssertOk();
        return (roomId, alice, bob);
    }

    private async Task<FederationRequestException> InviteRawAsync(string roomId, JsonObject invite, string version, JsonArray state)
    {
        var eventId = PduFormat.Parse(invite.DeepClone().AsObject(), RoomVersions.Find(version) ?? RoomVersions.V11).Value!.EventId;
        var body = new JsonObject { ["room_version"] = version, ["event"] = invite, ["invite_room_state"] = state };
        return await Assert.ThrowsAsync<FederationRequestException>(() => Client(pair.A).PutJsonAsync(pair.B.ServerName,
            $"/_matrix/federation/v2/invite/{Uri.EscapeDataString(roomId)}/{Uri.EscapeDataString(eventId)}", body, CancellationToken.None, FederationCallOptions.NoRetry));
    }

    /// <summary>A membership event signed by <paramref name="server"/>, citing made-up prev and auth events.</summary>
    internal static JsonObject Member(FederatingServer server, string roomId, string sender, string target, string membership, RoomVersion version)
    {
        var context = server.Services.GetRequiredService<RoomServerContext>();
        string FakeId() => version.EventIdInEvent ? $"${Guid.NewGuid():N}:{server.ServerName}" : "$" + UnpaddedBase64.EncodeUrlSafe(RandomNumberGenerator.GetBytes(32));
        var built = PduBuilder.Build(new EventDraft
        {
            Type = EventTypes.Member, Sender = sender, StateKey = target, RoomId = roomId, Content = new JsonObject { ["membership"] = membership },
            PrevEvents = [FakeId()], AuthEvents = [FakeId()], Depth = 5, OriginServerTs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            EventIdOpaquePart = version.EventIdInEvent ? Guid.NewGuid().ToString("N") : null,
        }, version, server.ServerName, context.SigningKey);
        return built.Value!.Json.DeepClone().AsObject();
    }

    internal static async Task<RoomSnapshot> SnapshotAsync(FederatingServer server, string roomId)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<RoomEventPipeline>().SnapshotAsync(roomId, CancellationToken.None))!;
    }

    internal static async Task<JsonObject> PduAsync(FederatingServer server, string roomId, string eventId)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var pipeline = scope.ServiceProvider.GetRequiredService<RoomEventPipeline>();
        var room = (await pipeline.SnapshotAsync(roomId, CancellationToken.None))!;
        return (await pipeline.LoadEventAsync(eventId, room.Version, CancellationToken.None)).Json.DeepClone().AsObject();
    }

    private static async Task<Pdu> StateEventAsync(FederatingServer server, string roomId, string userId)
    {
        var room = await SnapshotAsync(server, roomId);
        var json = await PduAsync(server, roomId, room.StateEventId(EventTypes.Member, userId)!);
        return PduFormat.Parse(json, room.Version).Value!;
    }

    internal static IFederationClient Client(FederatingServer server) => server.Services.GetRequiredService<IFederationClient>();
}

public sealed class SqliteInviteFederationTests(SqliteFederatingPair pair) : InviteFederationTests(pair), IClassFixture<SqliteFederatingPair>;

public sealed class PostgresInviteFederationTests(PostgresFederatingPair pair) : InviteFederationTests(pair), IClassFixture<PostgresFederatingPair>;
