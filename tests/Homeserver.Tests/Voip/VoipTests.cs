using System.Text.Json.Nodes;
using Messenger.Homeserver.ClientApi.Voip;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Voip;

/// <summary>
/// "Voice over IP": <c>GET /voip/turnServer</c> with coturn REST API credentials that a real coturn accepts, and call
/// events passing through rooms unchanged.
/// </summary>
public abstract class VoipTests(ServerFixture server)
{
    public const string SharedSecret = "coturn-test-secret";

    private HttpClient Http => server.Client;

    [Fact]
    public async Task Turn_credentials_follow_the_coturn_rest_api_and_expire_with_the_ttl()
    {
        var alice = await Http.RegisterAsync();

        var turn = (await Http.GetMatrixAsync($"{V3}/voip/turnServer", alice.AccessToken)).AssertOk().Body;

        var username = (string)turn["username"]!;
        var expiry = long.Parse(username[..username.IndexOf(':')], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(alice.UserId, username[(username.IndexOf(':') + 1)..]);
        Assert.Equal(7200, (int)turn["ttl"]!);
        Assert.Equal(server.Clock.GetUtcNow().ToUnixTimeSeconds() + 7200, expiry);
        var expected = Convert.ToBase64String(System.Security.Cryptography.HMACSHA1.HashData(
            System.Text.Encoding.UTF8.GetBytes(SharedSecret), System.Text.Encoding.UTF8.GetBytes(username)));
        Assert.Equal(expected, (string?)turn["password"]);
        Assert.Equal(["turn:127.0.0.1:3478?transport=udp", "turns:turn.test.local:5349?transport=tcp"], turn["uris"]!.AsArray().Select(u => (string)u!));
        (await Http.GetMatrixAsync($"{V3}/voip/turnServer")).AssertError(401, "M_MISSING_TOKEN");
    }

    [Fact]
    public async Task A_real_coturn_accepts_the_credentials_and_refuses_tampered_ones()
    {
        if (CoturnProcess.SkipReason is { } reason) Assert.Skip(reason);
        var alice = await Http.RegisterAsync();
        var turn = (await Http.GetMatrixAsync($"{V3}/voip/turnServer", alice.AccessToken)).AssertOk().Body;
        await using var coturn = await CoturnProcess.StartAsync(SharedSecret);

        var accepted = await coturn.TryRelayAsync((string)turn["username"]!, (string)turn["password"]!);
        var otherUser = await coturn.TryRelayAsync(((string)turn["username"]!).Replace(alice.UserId, "@mallory:test.local", StringComparison.Ordinal), (string)turn["password"]!);

        Assert.True(accepted.Accepted, accepted.Output);
        Assert.False(otherUser.Accepted, otherUser.Output);
    }

    [Fact]
    public async Task Call_events_pass_through_rooms_unchanged()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "trusted_private_chat", invite = new[] { bob.UserId }, is_direct = true });
        (await Http.PostMatrixAsync($"{V3}/join/{Uri.EscapeDataString(roomId)}", new { }, bob.AccessToken)).AssertOk();
        var invite = new JsonObject
        {
            ["call_id"] = "call-1", ["party_id"] = "alice-device", ["version"] = "1", ["lifetime"] = 60000,
            ["offer"] = new JsonObject { ["type"] = "offer", ["sdp"] = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n" },
            ["org.example.custom"] = new JsonObject { ["kept"] = true },
        };
        var candidates = new JsonObject
        {
            ["call_id"] = "call-1", ["party_id"] = "alice-device", ["version"] = "1",
            ["candidates"] = new JsonArray(new JsonObject { ["candidate"] = "candidate:1 1 UDP 1 127.0.0.1 5000 typ host", ["sdpMid"] = "0", ["sdpMLineIndex"] = 0 }),
        };
        var hangup = new JsonObject { ["call_id"] = "call-1", ["party_id"] = "alice-device", ["version"] = "1", ["reason"] = "user_hangup" };

        var sent = new List<(string Type, JsonObject Content, string EventId)>();
        foreach (var (type, content) in new[] { ("m.call.invite", invite), ("m.call.candidates", candidates), ("m.call.hangup", hangup) })
        {
            var response = await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/rooms/{Uri.EscapeDataString(roomId)}/send/{type}/{Guid.NewGuid():N}", content, alice.AccessToken);
            sent.Add((type, content, response.AssertOk().String("event_id")));
        }

        foreach (var (type, content, eventId) in sent)
        {
            var seen = (await Http.RoomGetAsync(bob, roomId, $"event/{Uri.EscapeDataString(eventId)}")).AssertOk().Body;
            Assert.Equal(type, (string?)seen["type"]);
            Assert.True(JsonNode.DeepEquals(content, seen["content"]), seen["content"]!.ToJsonString());
        }
        var timeline = (await Http.SyncAsync(bob)).Timeline(roomId).Where(e => ((string)e["type"]!).StartsWith("m.call.", StringComparison.Ordinal)).ToList();
        Assert.Equal(sent.Select(s => s.EventId), timeline.Select(e => (string)e["event_id"]!));
    }

    [Fact]
    public void Credentials_match_a_known_vector()
    {
        // base64(HMAC-SHA1("s3cret", "1700003600:@alice:test.local")), computed independently.
        var (username, password) = TurnCredentials.Create("@alice:test.local", "s3cret", DateTimeOffset.FromUnixTimeSeconds(1700003600));

        Assert.Equal("1700003600:@alice:test.local", username);
        Assert.Equal("jKXCHCgQlAaEv7lfN1QyIY+7wFk=", password);
    }
}

/// <summary>Without TURN configuration the answer is <c>{}</c>, as Synapse's.</summary>
public abstract class UnconfiguredVoipTests(ServerFixture server)
{
    [Fact]
    public async Task No_turn_server_configured_is_an_empty_object()
    {
        var alice = await server.Client.RegisterAsync();

        var turn = (await server.Client.GetMatrixAsync($"{V3}/voip/turnServer", alice.AccessToken)).AssertOk().Body;

        Assert.Empty(turn);
    }
}

/// <summary>SQLite server with a TURN shared secret.</summary>
public sealed class SqliteVoipServer : SqliteServer
{
    protected override string ExtraYaml => VoipYaml;

    internal const string VoipYaml = $$"""
        voip:
          turn_uris: ["turn:127.0.0.1:3478?transport=udp", "turns:turn.test.local:5349?transport=tcp"]
          turn_shared_secret: "{{VoipTests.SharedSecret}}"
          turn_user_lifetime: 2h
        """;
}

/// <summary>PostgreSQL server with a TURN shared secret.</summary>
public sealed class PostgresVoipServer : PostgresServer
{
    protected override string ExtraYaml => SqliteVoipServer.VoipYaml;
}

public sealed class SqliteVoipTests(SqliteVoipServer server) : VoipTests(server), IClassFixture<SqliteVoipServer>;

public sealed class PostgresVoipTests(PostgresVoipServer server) : VoipTests(server), IClassFixture<PostgresVoipServer>;

public sealed class SqliteUnconfiguredVoipTests(SqliteServer server) : UnconfiguredVoipTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresUnconfiguredVoipTests(PostgresServer server) : UnconfiguredVoipTests(server), IClassFixture<PostgresServer>;
