using Messenger.Federation.Client;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.FederationApi.InviteFederationTests;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>
/// <c>timestamp_to_event</c> across servers: a server that joined late has no history before its join, so the
/// client's question is asked of the other servers in the room (the event they name is fetched and checked first);
/// the federation endpoint answers servers in the room only, and needs <c>ts</c> and <c>dir</c>.
/// </summary>
public abstract class TimestampFederationTests(FederatingPair pair)
{
    private const string V1 = "/_matrix/client/v1";

    [Fact]
    public async Task Server_that_joined_late_asks_the_room_for_an_event_before_its_history()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new { preset = "public_chat" });
        var old = await pair.A.Client.SendTextAsync(alice, roomId, "before bob");
        await Task.Delay(20);
        var between = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Task.Delay(20);
        var bob = await pair.B.Client.RegisterAsync();
        (await pair.B.Client.PostMatrixAsync($"{MatrixTestClient.V3}/join/{Uri.EscapeDataString(roomId)}?via={pair.A.ServerName}", new { }, bob.AccessToken)).AssertOk();

        var answer = (await pair.B.Client.GetMatrixAsync($"{V1}/rooms/{Uri.EscapeDataString(roomId)}/timestamp_to_event?ts={between}&dir=b", bob.AccessToken)).AssertOk().Body;

        Assert.Equal(old, (string?)answer["event_id"]);
        Assert.True((long)answer["origin_server_ts"]! <= between);
    }

    [Fact]
    public async Task Federation_timestamp_to_event_needs_ts_dir_and_a_shared_room()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new { preset = "public_chat" });
        string Path(string query) => $"/_matrix/federation/v1/timestamp_to_event/{Uri.EscapeDataString(roomId)}{query}";
        Task<FederationRequestException> Refused(string query) => Assert.ThrowsAsync<FederationRequestException>(() =>
            Client(pair.B).GetJsonAsync(pair.A.ServerName, Path(query), CancellationToken.None, FederationCallOptions.NoRetry));

        Assert.Equal(403, (await Refused("?ts=0&dir=f")).Status);

        var bob = await pair.B.Client.RegisterAsync();
        (await pair.B.Client.PostMatrixAsync($"{MatrixTestClient.V3}/join/{Uri.EscapeDataString(roomId)}?via={pair.A.ServerName}", new { }, bob.AccessToken)).AssertOk();
        var missing = await Refused("?dir=f");
        Assert.Equal((400, "M_MISSING_PARAM"), (missing.Status, missing.Errcode));
        var badDir = await Refused("?ts=0&dir=x");
        Assert.Equal((400, "M_INVALID_PARAM"), (badDir.Status, badDir.Errcode));
        var none = await Refused("?ts=0&dir=b");
        Assert.Equal((404, "M_NOT_FOUND"), (none.Status, none.Errcode));
        var first = await Client(pair.B).GetJsonAsync(pair.A.ServerName, Path("?ts=0&dir=f"), CancellationToken.None);
        Assert.StartsWith("$", (string?)first["event_id"]);
        Assert.True((long)first["origin_server_ts"]! > 0);
    }
}

public sealed class SqliteTimestampFederationTests(SqliteFederatingPair pair) : TimestampFederationTests(pair), IClassFixture<SqliteFederatingPair>;

public sealed class PostgresTimestampFederationTests(PostgresFederatingPair pair) : TimestampFederationTests(pair), IClassFixture<PostgresFederatingPair>;
