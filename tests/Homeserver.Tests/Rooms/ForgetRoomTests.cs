using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Messenger.Homeserver.Tests.Support.DirectoryTestClient;

namespace Messenger.Homeserver.Tests.Rooms;

/// <summary>POST /rooms/{roomId}/forget ("Leaving rooms") and the record sync reads to leave forgotten rooms out.</summary>
public abstract class ForgetRoomTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private async Task<T> InScopeAsync<T>(Func<ForgottenRoomStore, Task<T>> read)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<ForgottenRoomStore>());
    }

    private async Task<string> MemberEventIdAsync(Session reader, string roomId, string userId) =>
        (await Http.RoomGetAsync(reader, roomId, $"state/m.room.member/{Uri.EscapeDataString(userId)}?format=event")).AssertOk().String("event_id");

    [Fact]
    public async Task Joined_invited_or_knocking_users_cannot_forget_the_room()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var carol = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "private_chat", invite = new[] { bob.UserId } });
        var knockRoom = await Http.CreateRoomAsync(alice, new { initial_state = new object[] { new { type = "m.room.join_rules", content = new { join_rule = "knock" } } } });
        (await Http.KnockAsync(carol, knockRoom)).AssertOk();

        (await Http.RoomPostAsync(alice, roomId, "forget", new { })).AssertError(400, "M_UNKNOWN");
        (await Http.RoomPostAsync(bob, roomId, "forget", new { })).AssertError(400, "M_UNKNOWN");
        (await Http.RoomPostAsync(carol, knockRoom, "forget", new { })).AssertError(400, "M_UNKNOWN");
    }

    [Fact]
    public async Task Left_room_is_forgotten_until_a_new_membership_replaces_the_forgotten_one()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.JoinAsync(bob, roomId)).AssertOk();
        (await Http.RoomPostAsync(bob, roomId, "leave", new { })).AssertOk();
        var leave = await MemberEventIdAsync(alice, roomId, bob.UserId);

        (await Http.RoomPostAsync(bob, roomId, "forget", new { })).AssertOk();

        Assert.Contains(leave, await InScopeAsync(store => store.ForgottenMembershipEventsAsync(bob.UserId)));
        Assert.True(await InScopeAsync(store => store.IsForgottenAsync(bob.UserId, roomId, leave)));
        (await Http.JoinAsync(bob, roomId)).AssertOk();
        var rejoin = await MemberEventIdAsync(alice, roomId, bob.UserId);
        Assert.False(await InScopeAsync(store => store.IsForgottenAsync(bob.UserId, roomId, rejoin)));
    }

    [Fact]
    public async Task Banned_user_can_forget_and_forgetting_twice_or_a_room_never_joined_succeeds()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.JoinAsync(bob, roomId)).AssertOk();
        (await Http.RoomPostAsync(alice, roomId, "ban", new { user_id = bob.UserId })).AssertOk();
        var ban = await MemberEventIdAsync(alice, roomId, bob.UserId);

        (await Http.RoomPostAsync(bob, roomId, "forget", new { })).AssertOk();
        (await Http.RoomPostAsync(bob, roomId, "forget", new { })).AssertOk();
        (await Http.RoomPostAsync(bob, "!nowhere:test.local", "forget", new { })).AssertOk();

        Assert.Equal([ban], await InScopeAsync(store => store.ForgottenMembershipEventsAsync(bob.UserId)));
    }
}

public sealed class SqliteForgetRoomTests(SqliteServer server) : ForgetRoomTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresForgetRoomTests(PostgresServer server) : ForgetRoomTests(server), IClassFixture<PostgresServer>;
