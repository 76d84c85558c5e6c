using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Keys;
using Messenger.Federation.Sending;
using Messenger.Federation.XMatrix;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;
using Messenger.Homeserver.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>
/// The outbound transaction sender against a scripted remote server (server-server API, "Transactions"): EDUs and
/// local events are delivered in signed <c>PUT /send/{txnId}</c> transactions, in order; a failed transaction is
/// retried with the same id; a destination that was down is caught up once it shows it is back.
/// </summary>
public abstract class FederationSenderTests(FederatingPair servers) : IAsyncLifetime
{
    private readonly string remoteName = "remote" + Guid.NewGuid().ToString("N")[..6] + ".fed.test";
    private FakeRemoteServer remote = null!;

    public async ValueTask InitializeAsync() => remote = await FakeRemoteServer.StartAsync(remoteName, servers.Dns);

    public async ValueTask DisposeAsync() => await remote.DisposeAsync();

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private Task EnqueueAsync(string type, JsonObject content) => WithScopeAsync(sp =>
        sp.GetRequiredService<IFederationEduQueue>().EnqueueAsync([remoteName], type, content, CancellationToken.None));

    private async Task WithScopeAsync(Func<IServiceProvider, Task> use)
    {
        await using var scope = servers.A.Services.CreateAsyncScope();
        await use(scope.ServiceProvider);
    }

    private static bool HasEdu(JsonObject txn, string marker) =>
        (txn["edus"] as JsonArray ?? []).Any(e => (string?)e!["content"]!["marker"] == marker);

    [Fact]
    public async Task A_queued_edu_arrives_in_a_transaction_signed_by_the_origin_for_the_destination()
    {
        await EnqueueAsync("m.example", new JsonObject { ["marker"] = "one" });

        var txn = await remote.WaitForAsync(t => HasEdu(t, "one"), Patience);

        Assert.Equal(FederatingPair.NameA, (string?)txn["origin"]);
        Assert.IsType<long>(txn["origin_server_ts"]!.GetValue<long>());
        Assert.Equal("m.example", (string?)txn["edus"]![0]!["edu_type"]);
        var (_, _, authorization) = remote.Transactions.First(t => HasEdu(t.Body, "one"));
        Assert.True(XMatrixHeader.TryParse(authorization, out var header));
        Assert.Equal(FederatingPair.NameA, header.Origin);
        Assert.Equal(remoteName, header.Destination);
    }

    [Fact]
    public async Task Local_events_go_to_servers_with_joined_members_in_stream_order()
    {
        var alice = await servers.A.Client.RegisterAsync();
        var room = await servers.A.Client.CreateRoomAsync(alice);
        // Stands in for a remote join (the room side of federation): a member of the remote server in the room's state.
        await WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<HomeserverDbContext>();
            db.CurrentState.Add(new CurrentStateRow { RoomId = room, Type = "m.room.member", StateKey = "@bob:" + remoteName, EventId = "$standin", Membership = "join" });
            await db.SaveChangesAsync();
            // Written behind the room server's back: have it read the members again, as a received join does.
            sp.GetRequiredService<JoinedMembers>().Forget(room);
        });

        // Room version 12 PDUs carry no event_id (it is their reference hash), so the bodies identify them.
        var sent = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            await servers.A.Client.SendTextAsync(alice, room, "hello " + i);
            sent.Add("hello " + i);
        }

        await remote.WaitForAsync(t => (t["pdus"] as JsonArray ?? []).Any(p => (string?)p!["content"]?["body"] == sent[^1]), Patience);
        var received = remote.Transactions.Where(t => (int?)t.Body["answered"] == 200)
            .SelectMany(t => (t.Body["pdus"] as JsonArray ?? []).Select(p => (string?)p!["content"]?["body"] ?? "")).Where(sent.Contains).ToList();
        Assert.Equal(sent, received);
        Assert.All(remote.Transactions, t => Assert.True((t.Body["pdus"] as JsonArray)?.Count is null or <= 50));
    }

    [Fact]
    public async Task A_destination_that_was_down_gets_the_same_transaction_again_once_it_is_back()
    {
        var down = true;
        remote.Answer = _ => down ? 503 : 200;
        await EnqueueAsync("m.example", new JsonObject { ["marker"] = "first" });
        await EnqueueAsync("m.example", new JsonObject { ["marker"] = "second" });
        while (remote.Transactions.IsEmpty) await Task.Delay(20);
        var failedTxn = remote.Transactions.First().TxnId;

        down = false;
        // The remote shows it is up by making a request of its own; the sender stops backing off at once.
        using (var http = servers.A.RawFederationClient())
        {
            var path = "/_matrix/federation/v1/query/profile?user_id=%40nobody%3A" + FederatingPair.NameA;
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.TryAddWithoutValidation("Authorization",
                XMatrixSigning.Sign("GET", path, remoteName, FederatingPair.NameA, null, remote.Key)!.ToString());
            await http.SendAsync(request);
        }
        await remote.WaitForAsync(t => HasEdu(t, "second"), Patience);

        var delivered = remote.Transactions.Where(t => (int?)t.Body["answered"] == 200).ToList();
        Assert.Equal(failedTxn, delivered[0].TxnId);
        var markers = delivered.SelectMany(t => (t.Body["edus"] as JsonArray ?? []).Select(e => (string?)e!["content"]!["marker"])).ToList();
        Assert.Equal(["first", "second"], markers);
    }
}

public sealed class SqliteFederationSenderTests(SqliteFederatingPair servers)
    : FederationSenderTests(servers), IClassFixture<SqliteFederatingPair>;

public sealed class PostgresFederationSenderTests(PostgresFederatingPair servers)
    : FederationSenderTests(servers), IClassFixture<PostgresFederatingPair>;
