using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.SlidingSyncTestClient;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>
/// Memberships in rooms the user's server is not in, in simplified sliding sync (MSC4186) as in /sync: an invite
/// received over federation and a knock sent through the resident server are listed with the stripped state they
/// came with (<c>invite_state</c>), sorted by when they happened (<c>bump_stamp</c>) and selected by <c>is_invite</c>;
/// the leave that withdraws one is sent on the connection. Invites from users the invitee ignores are not sent to
/// clients at all ("Ignoring Users"), whichever server the inviter is on.
/// </summary>
public abstract class OutOfBandSlidingSyncTests(FederatingPair pair)
{
    private const string V3 = MatrixTestClient.V3;

    private static readonly object KnockRule = new { type = "m.room.join_rules", state_key = "", content = new { join_rule = "knock" } };

    private static readonly object Encryption = new { type = "m.room.encryption", state_key = "", content = new { algorithm = "m.megolm.v1.aes-sha2" } };

    /// <summary>A request on a connection of its own, so that the test's main connection (its <c>pos</c>) stays valid.</summary>
    private static JsonObject Aside(JsonObject body)
    {
        body["conn_id"] = "aside";
        return body;
    }

    [Fact]
    public async Task Remote_invite_is_listed_with_its_stripped_state_newest_first_and_selected_by_is_invite()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var bob = await pair.B.Client.RegisterAsync();
        var own = await pair.B.Client.CreateRoomAsync(bob, new { preset = "private_chat", name = "Bob's own" });
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new { preset = "private_chat", name = "Invite only", initial_state = new[] { Encryption } });
        (await pair.A.Client.RoomPostAsync(alice, roomId, "invite", new { user_id = bob.UserId })).AssertOk();

        var first = await pair.B.Client.SlidingSyncAsync(bob, OneList());
        Assert.Equal(2, first.Count("all"));
        var invited = first.Room(roomId)!;
        Assert.Equal("invite", (string?)invited["membership"]);
        var inviteState = invited["invite_state"]!.AsArray();
        Assert.Contains(inviteState, e => (string?)e!["type"] == EventTypes.Create);
        Assert.Contains(inviteState, e => (string?)e!["type"] == EventTypes.Name && (string?)e["content"]!["name"] == "Invite only");
        Assert.Contains(inviteState, e => (string?)e!["type"] == EventTypes.Member && (string?)e["state_key"] == bob.UserId
            && (string?)e["content"]!["membership"] == "invite" && (string?)e["sender"] == alice.UserId);
        // The invite is newer than anything in Bob's own room: it sorts first.
        Assert.True((long)invited["bump_stamp"]! > (long)first.Room(own)!["bump_stamp"]!);
        var top = await pair.B.Client.SlidingSyncAsync(bob, Aside(OneList(ranges: new JsonArray(new JsonArray(0, 0)))));
        Assert.Equal([roomId], top.RoomIds());

        var invites = await pair.B.Client.SlidingSyncAsync(bob, Aside(OneList(filters: new JsonObject { ["is_invite"] = true })));
        Assert.Equal(1, invites.Count("all"));
        Assert.Equal([roomId], invites.RoomIds());
        var notInvites = await pair.B.Client.SlidingSyncAsync(bob, Aside(OneList(filters: new JsonObject { ["is_invite"] = false })));
        Assert.Equal(1, notInvites.Count("all"));
        Assert.Equal([own], notInvites.RoomIds());
        // The room's state is known only from the stripped state, which says it is encrypted.
        var encrypted = await pair.B.Client.SlidingSyncAsync(bob, Aside(OneList(filters: new JsonObject { ["is_encrypted"] = true })));
        Assert.Equal([roomId], encrypted.RoomIds());

        // Joining through the inviter's server makes it an ordinary joined room, sent afresh.
        (await pair.B.Client.PostMatrixAsync($"{V3}/rooms/{Uri.EscapeDataString(roomId)}/join", new { }, bob.AccessToken)).AssertOk();
        var joined = await pair.B.Client.SlidingSyncAsync(bob, OneList(), (string)first["pos"]!);
        Assert.Equal("join", (string?)joined.Room(roomId)!["membership"]);
        Assert.True((bool?)joined.Room(roomId)!["initial"]);
    }

    [Fact]
    public async Task Remote_knock_is_listed_with_its_stripped_state_and_its_withdrawal_is_sent_as_a_leave()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new { preset = "private_chat", name = "Knock first", initial_state = new[] { KnockRule } });
        var bob = await pair.B.Client.RegisterAsync();
        (await pair.B.Client.PostMatrixAsync($"{V3}/knock/{Uri.EscapeDataString(roomId)}?via={pair.A.ServerName}", new { reason = "let me in" }, bob.AccessToken)).AssertOk();

        var first = await pair.B.Client.SlidingSyncAsync(bob, OneList());
        var knocked = first.Room(roomId)!;
        Assert.Equal("knock", (string?)knocked["membership"]);
        var state = knocked["invite_state"]!.AsArray();
        Assert.Contains(state, e => (string?)e!["type"] == EventTypes.JoinRules && (string?)e["content"]!["join_rule"] == "knock");
        Assert.Contains(state, e => (string?)e!["type"] == EventTypes.Member && (string?)e["state_key"] == bob.UserId && (string?)e["content"]!["membership"] == "knock");
        var notInvites = await pair.B.Client.SlidingSyncAsync(bob, Aside(OneList(filters: new JsonObject { ["is_invite"] = false })));
        Assert.Equal([roomId], notInvites.RoomIds());

        (await pair.B.Client.PostMatrixAsync($"{V3}/rooms/{Uri.EscapeDataString(roomId)}/leave", new { }, bob.AccessToken)).AssertOk();
        var withdrawn = (await pair.B.Client.SlidingSyncAsync(bob, OneList(), (string)first["pos"]!)).Room(roomId)!;
        Assert.Equal("leave", (string?)withdrawn["membership"]);
        Assert.Contains(withdrawn.SlidingTimeline(), e => (string?)e["type"] == EventTypes.Member && (string?)e["state_key"] == bob.UserId
            && (string?)e["content"]!["membership"] == "leave");
        Assert.True((long)withdrawn["bump_stamp"]! > (long)knocked["bump_stamp"]!);
    }

    [Fact]
    public async Task Remote_invites_from_ignored_users_are_hidden_in_sync_and_sliding_sync()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var mallory = await pair.A.Client.RegisterAsync();
        var bob = await pair.B.Client.RegisterAsync();
        (await pair.B.Client.SendMatrixAsync(HttpMethod.Put, $"{V3}/user/{Uri.EscapeDataString(bob.UserId)}/account_data/m.ignored_user_list",
            new JsonObject { ["ignored_users"] = new JsonObject { [mallory.UserId] = new JsonObject() } }, bob.AccessToken)).AssertOk();
        var since = await pair.B.Client.NextBatchAsync(bob);

        var fromMallory = await pair.A.Client.CreateRoomAsync(mallory, new { preset = "private_chat" });
        (await pair.A.Client.RoomPostAsync(mallory, fromMallory, "invite", new { user_id = bob.UserId })).AssertOk();
        var fromAlice = await pair.A.Client.CreateRoomAsync(alice, new { preset = "private_chat" });
        (await pair.A.Client.RoomPostAsync(alice, fromAlice, "invite", new { user_id = bob.UserId })).AssertOk();

        foreach (var sync in new[] { await pair.B.Client.SyncAsync(bob), await pair.B.Client.SyncAsync(bob, since) })
        {
            var invites = sync["rooms"]!["invite"]!.AsObject();
            Assert.True(invites.ContainsKey(fromAlice));
            Assert.False(invites.ContainsKey(fromMallory), "an invite from an ignored user reached the client");
        }
        var sliding = await pair.B.Client.SlidingSyncAsync(bob, OneList());
        Assert.Equal(1, sliding.Count("all"));
        Assert.Equal([fromAlice], sliding.RoomIds());
    }
}

public sealed class SqliteOutOfBandSlidingSyncTests(SqliteFederatingPair pair) : OutOfBandSlidingSyncTests(pair), IClassFixture<SqliteFederatingPair>;

public sealed class PostgresOutOfBandSlidingSyncTests(PostgresFederatingPair pair) : OutOfBandSlidingSyncTests(pair), IClassFixture<PostgresFederatingPair>;
