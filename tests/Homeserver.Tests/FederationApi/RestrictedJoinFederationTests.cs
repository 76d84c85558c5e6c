using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.FederationApi.InviteFederationTests;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>
/// "Restricted rooms" across servers: a user of B who is in the allowed room joins a restricted room of A; A's
/// make_join names one of its users who may invite in <c>join_authorised_via_users_server</c> and A signs the join on
/// send_join, which the auth rules require. A user in none of the allowed rooms is refused (403 <c>M_FORBIDDEN</c>).
/// </summary>
public abstract class RestrictedJoinFederationTests(FederatingPair pair)
{
    private const string V3 = MatrixTestClient.V3;

    [Fact]
    public async Task Member_of_the_allowed_room_joins_through_the_resident_servers_authorisation()
    {
        var (space, restricted, alice) = await RoomsAsync();
        var bob = await pair.B.Client.RegisterAsync();
        (await pair.B.Client.PostMatrixAsync($"{V3}/join/{Uri.EscapeDataString(space)}?via={pair.A.ServerName}", new { }, bob.AccessToken)).AssertOk();

        (await pair.B.Client.PostMatrixAsync($"{V3}/join/{Uri.EscapeDataString(restricted)}?via={pair.A.ServerName}", new { }, bob.AccessToken)).AssertOk();

        var room = await SnapshotAsync(pair.A, restricted);
        var join = await PduAsync(pair.A, restricted, room.StateEventId(EventTypes.Member, bob.UserId)!);
        Assert.Equal("join", (string?)join["content"]!["membership"]);
        Assert.Equal(alice.UserId, (string?)join["content"]!["join_authorised_via_users_server"]);
        Assert.NotNull(join["signatures"]![pair.A.ServerName]);
        Assert.NotNull(join["signatures"]![pair.B.ServerName]);
        Assert.Contains(bob.UserId, (await pair.A.Client.RoomGetAsync(alice, restricted, "joined_members")).AssertOk().Body["joined"]!.AsObject().Select(kv => kv.Key));
    }

    [Fact]
    public async Task User_in_none_of_the_allowed_rooms_is_refused()
    {
        var (_, restricted, _) = await RoomsAsync();
        var mallory = await pair.B.Client.RegisterAsync();

        (await pair.B.Client.PostMatrixAsync($"{V3}/join/{Uri.EscapeDataString(restricted)}?via={pair.A.ServerName}", new { }, mallory.AccessToken))
            .AssertError(403, "M_FORBIDDEN");
    }

    /// <summary>Alice (A) creates a public room and a room restricted to its members.</summary>
    private async Task<(string Space, string Restricted, Session Alice)> RoomsAsync()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var space = await pair.A.Client.CreateRoomAsync(alice, new { preset = "public_chat" });
        var restricted = await pair.A.Client.CreateRoomAsync(alice, new
        {
            preset = "private_chat",
            initial_state = new[]
            {
                new { type = "m.room.join_rules", state_key = "", content = (object)new { join_rule = "restricted", allow = new[] { new { type = "m.room_membership", room_id = space } } } },
            },
        });
        return (space, restricted, alice);
    }
}

public sealed class SqliteRestrictedJoinFederationTests(SqliteFederatingPair pair) : RestrictedJoinFederationTests(pair), IClassFixture<SqliteFederatingPair>;

public sealed class PostgresRestrictedJoinFederationTests(PostgresFederatingPair pair) : RestrictedJoinFederationTests(pair), IClassFixture<PostgresFederatingPair>;
