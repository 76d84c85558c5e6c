using System.Security.Authentication;
using Messenger.Federation.Client;
using Messenger.Federation.Ports;
using Messenger.Homeserver.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>
/// Server-Server API, "TLS": "The destination server must provide a TLS certificate signed by a known Certificate
/// Authority". With <c>federation.verify_tls</c> on (the default), A refuses B's self-signed certificate: A's requests
/// to B fail at the TLS handshake, so A neither invites B's users nor learns B's signing keys, and since A cannot
/// fetch B's keys it cannot authenticate B's requests either; nothing of it is stored. B, which skips verification as
/// test deployments may, reaches A, so the failures are A's certificate check and nothing else.
/// </summary>
public abstract class FederationTlsTests(FederatingPair pair)
{
    [Fact]
    public async Task Server_that_verifies_certificates_refuses_a_self_signed_one_and_the_other_way_works()
    {
        var fromA = await Assert.ThrowsAsync<FederationRequestException>(() => Client(pair.A)
            .GetJsonAsync(FederatingPair.NameB, "/_matrix/federation/v1/version", CancellationToken.None, FederationCallOptions.NoRetry));
        var fromB = await Client(pair.B).GetJsonAsync(FederatingPair.NameA, "/_matrix/federation/v1/version", CancellationToken.None, FederationCallOptions.NoRetry);

        Assert.Null(fromA.Status);
        Assert.Contains(Causes(fromA), e => e is AuthenticationException);
        Assert.Equal("Messenger", (string?)fromB["server"]!["name"]);
    }

    [Fact]
    public async Task Invite_to_a_user_of_a_server_with_an_untrusted_certificate_fails_and_stores_nothing()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var bob = await pair.B.Client.RegisterAsync();
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new { preset = "private_chat" });

        (await pair.A.Client.RoomPostAsync(alice, roomId, "invite", new { user_id = bob.UserId })).AssertError(502, "M_UNKNOWN");

        (await pair.A.Client.RoomGetAsync(alice, roomId, $"state/m.room.member/{Uri.EscapeDataString(bob.UserId)}")).AssertError(404, "M_NOT_FOUND");
        Assert.False((await pair.B.Client.SyncAsync(bob))["rooms"]!["invite"]!.AsObject().ContainsKey(roomId));
        Assert.Empty(await StoredKeysAsync(pair.A, FederatingPair.NameB));
    }

    [Fact]
    public async Task Requests_of_a_server_whose_keys_cannot_be_fetched_over_verified_tls_are_refused_and_store_nothing()
    {
        var bob = await pair.B.Client.RegisterAsync();
        var alice = await pair.A.Client.RegisterAsync();
        var roomId = await pair.B.Client.CreateRoomAsync(bob, new { preset = "private_chat" });

        var refused = await pair.B.Client.RoomPostAsync(bob, roomId, "invite", new { user_id = alice.UserId });

        Assert.Equal(502, (int)refused.Status);
        Assert.False((await pair.A.Client.SyncAsync(alice))["rooms"]!["invite"]!.AsObject().ContainsKey(roomId));
        Assert.Empty(await StoredKeysAsync(pair.A, FederatingPair.NameB));
    }

    private static IFederationClient Client(FederatingServer server) => server.Services.GetRequiredService<IFederationClient>();

    private static async Task<IReadOnlyList<StoredServerKey>> StoredKeysAsync(FederatingServer server, string of)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IServerKeyStore>().GetKeysAsync(of, CancellationToken.None);
    }

    private static IEnumerable<Exception> Causes(Exception e)
    {
        for (var cause = e; cause is not null; cause = cause.InnerException) yield return cause;
    }
}

/// <summary>A verifies certificates (the production default); B does not.</summary>
public sealed class SqliteVerifyingTlsPair : SqliteFederatingPair
{
    protected override bool VerifiesTls(string serverName) => serverName == NameA;
}

/// <summary>A verifies certificates (the production default); B does not.</summary>
public sealed class PostgresVerifyingTlsPair : PostgresFederatingPair
{
    protected override bool VerifiesTls(string serverName) => serverName == NameA;
}

public sealed class SqliteFederationTlsTests(SqliteVerifyingTlsPair pair) : FederationTlsTests(pair), IClassFixture<SqliteVerifyingTlsPair>;

public sealed class PostgresFederationTlsTests(PostgresVerifyingTlsPair pair) : FederationTlsTests(pair), IClassFixture<PostgresVerifyingTlsPair>;
