using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.DirectoryTestClient;

namespace Messenger.Homeserver.Tests.Rooms;

/// <summary>"Knocking on rooms" (v7+) and "Restricted rooms" (v8+, <c>join_authorised_via_users_server</c>).</summary>
public abstract class KnockAndRestrictedJoinTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private Task<string> RoomWithJoinRuleAsync(Session creator, object joinRules, string version = "12", object? powerLevels = null) =>
        Http.CreateRoomAsync(creator, new
        {
            room_version = version,
            preset = "private_chat",
            initial_state = new object[] { new { type = "m.room.join_rules", content = joinRules } },
            power_level_content_override = powerLevels,
        });

    [Theory]
    [InlineData("7")]
    [InlineData("12")]
    public async Task Knock_asks_for_an_invite_which_lets_the_knocker_join(string version)
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await RoomWithJoinRuleAsync(alice, new { join_rule = "knock" }, version);

        Assert.Equal(roomId, (await Http.KnockAsync(bob, roomId, "let me in")).AssertOk().String("room_id"));

        var knock = (await Http.StateContentAsync(alice, roomId, "m.room.member", bob.UserId))!;
        Assert.Equal("knock", (string?)knock["membership"]);
        Assert.Equal("let me in", (string?)knock["reason"]);
        (await Http.JoinAsync(bob, roomId)).AssertError(403, "M_FORBIDDEN");
        (await Http.RoomPostAsync(alice, roomId, "invite", new { user_id = bob.UserId })).AssertOk();
        (await Http.JoinAsync(bob, roomId)).AssertOk();
    }

    [Fact]
    public async Task Knock_by_alias_and_a_knock_withdrawn_by_leaving()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await RoomWithJoinRuleAsync(alice, new { join_rule = "knock" });
        var alias = NewAlias("knock");
        (await Http.PutAliasAsync(alice, alias, roomId)).AssertOk();

        Assert.Equal(roomId, (await Http.KnockAsync(bob, alias)).AssertOk().String("room_id"));
        (await Http.RoomPostAsync(bob, roomId, "leave", new { })).AssertOk();

        Assert.Equal("leave", (string?)(await Http.StateContentAsync(alice, roomId, "m.room.member", bob.UserId))!["membership"]);
    }

    [Fact]
    public async Task Knock_is_refused_where_the_room_does_not_take_knocks_or_the_user_is_already_there()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var publicRoom = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        var inviteOnly = await Http.CreateRoomAsync(alice, new { preset = "private_chat" });
        var beforeKnocking = await RoomWithJoinRuleAsync(alice, new { join_rule = "knock" }, version: "6");
        var knockRoom = await RoomWithJoinRuleAsync(alice, new { join_rule = "knock" });

        (await Http.KnockAsync(bob, publicRoom)).AssertError(403, "M_FORBIDDEN");
        (await Http.KnockAsync(bob, inviteOnly)).AssertError(403, "M_FORBIDDEN");
        (await Http.KnockAsync(bob, beforeKnocking)).AssertError(403, "M_FORBIDDEN");
        (await Http.KnockAsync(alice, knockRoom)).AssertError(403, "M_FORBIDDEN");
        (await Http.RoomPostAsync(alice, knockRoom, "ban", new { user_id = bob.UserId })).AssertOk();
        (await Http.KnockAsync(bob, knockRoom)).AssertError(403, "M_FORBIDDEN");
        (await Http.KnockAsync(bob, "!nowhere:test.local")).AssertError(404, "M_NOT_FOUND");
        (await Http.KnockAsync(bob, NewAlias())).AssertError(404, "M_NOT_FOUND");
    }

    [Theory]
    [InlineData("restricted", "8")]
    [InlineData("restricted", "12")]
    [InlineData("knock_restricted", "10")]
    public async Task Member_of_an_allowed_room_joins_authorised_by_a_local_user_who_may_invite(string rule, string version)
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var space = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.JoinAsync(bob, space)).AssertOk();
        var roomId = await RoomWithJoinRuleAsync(alice,
            new { join_rule = rule, allow = new object[] { new { type = "m.room_membership", room_id = space } } }, version);

        (await Http.JoinAsync(bob, roomId)).AssertOk();

        var join = (await Http.StateContentAsync(alice, roomId, "m.room.member", bob.UserId))!;
        Assert.Equal("join", (string?)join["membership"]);
        Assert.Equal(alice.UserId, (string?)join["join_authorised_via_users_server"]);
    }

    [Fact]
    public async Task Restricted_join_without_an_allowed_room_is_forbidden_but_an_invite_still_works()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var space = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        var roomId = await RoomWithJoinRuleAsync(alice,
            new { join_rule = "restricted", allow = new object[] { new { type = "m.room_membership", room_id = space }, new { type = "m.other" } } });

        (await Http.JoinAsync(bob, roomId)).AssertError(403, "M_FORBIDDEN");

        (await Http.RoomPostAsync(alice, roomId, "invite", new { user_id = bob.UserId })).AssertOk();
        (await Http.JoinAsync(bob, roomId)).AssertOk();
        Assert.Null((await Http.StateContentAsync(alice, roomId, "m.room.member", bob.UserId))!["join_authorised_via_users_server"]);
    }

    [Fact]
    public async Task Restricted_join_with_nobody_here_able_to_invite_is_M_UNABLE_TO_GRANT_JOIN()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var space = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.JoinAsync(bob, space)).AssertOk();
        // v10: the creator has level 100, and inviting needs 101.
        var roomId = await RoomWithJoinRuleAsync(alice,
            new { join_rule = "restricted", allow = new object[] { new { type = "m.room_membership", room_id = space } } }, "10", new { invite = 101 });

        (await Http.JoinAsync(bob, roomId)).AssertError(400, "M_UNABLE_TO_GRANT_JOIN");
    }

    [Fact]
    public async Task Knock_restricted_room_takes_knocks_from_outsiders()
    {
        var alice = await Http.RegisterAsync();
        var outsider = await Http.RegisterAsync();
        var space = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        var roomId = await RoomWithJoinRuleAsync(alice,
            new { join_rule = "knock_restricted", allow = new object[] { new { type = "m.room_membership", room_id = space } } });

        (await Http.JoinAsync(outsider, roomId)).AssertError(403, "M_FORBIDDEN");
        (await Http.KnockAsync(outsider, roomId)).AssertOk();
        Assert.Equal("knock", (string?)(await Http.StateContentAsync(alice, roomId, "m.room.member", outsider.UserId))!["membership"]);
    }
}

public sealed class SqliteKnockAndRestrictedJoinTests(SqliteServer server) : KnockAndRestrictedJoinTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresKnockAndRestrictedJoinTests(PostgresServer server) : KnockAndRestrictedJoinTests(server), IClassFixture<PostgresServer>;
