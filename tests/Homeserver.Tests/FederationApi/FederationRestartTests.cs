using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>
/// A destination that goes down and comes back ("Transactions": the sender retries until it gets a 200): messages A
/// sends while B's process is stopped reach B's users after B starts again on the same database, and B's users can
/// answer. Its own fixture, because it stops a server.
/// </summary>
public abstract class FederationRestartTests(FederatingPair pair)
{
    [Fact]
    public async Task Messages_sent_while_the_other_server_is_stopped_arrive_after_it_restarts()
    {
        var (roomId, alice, bob) = await SharedRooms.SharedRoomAsync(pair.A, pair.B);
        var bobSince = await pair.B.Client.NextBatchAsync(bob);
        var aliceSince = await pair.A.Client.NextBatchAsync(alice);
        await pair.A.Client.SendTextAsync(alice, roomId, "before the stop");
        Assert.Equal(["before the stop"], await pair.B.Client.CollectBodiesAsync(bob, bobSince, roomId, 1));

        await pair.B.StopAsync();
        await pair.A.Client.SendTextAsync(alice, roomId, "while B is down 1");
        await pair.A.Client.SendTextAsync(alice, roomId, "while B is down 2");
        await WaitForFailedAttemptAsync(pair.A, pair.B.ServerName);
        await pair.B.StartAgainAsync();

        // Bob resumes from the token he had before the restart; A's sender retries on its own schedule.
        var atB = await pair.B.Client.CollectBodiesAsync(bob, bobSince, roomId, 3, TimeSpan.FromSeconds(60));
        Assert.Equal(["before the stop", "while B is down 1", "while B is down 2"], atB);

        await pair.B.Client.SendTextAsync(bob, roomId, "B is back");
        var atA = await pair.A.Client.CollectBodiesAsync(alice, aliceSince, roomId, 4);
        Assert.Equal(["before the stop", "while B is down 1", "while B is down 2", "B is back"], atA);
    }

    /// <summary>Waits until A's sender has tried B and failed, so that the delivery after the restart is a retry.</summary>
    private static async Task WaitForFailedAttemptAsync(FederatingServer server, string destination)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            await using var scope = server.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HomeserverDbContext>();
            if (await db.FederationDestinations.AnyAsync(d => d.Destination == destination && d.Failures > 0)) return;
            await Task.Delay(100);
        }
        throw new TimeoutException("the sender never tried the stopped server");
    }
}

public sealed class SqliteFederationRestartTests(SqliteFederatingPair pair) : FederationRestartTests(pair), IClassFixture<SqliteFederatingPair>;

public sealed class PostgresFederationRestartTests(PostgresFederatingPair pair) : FederationRestartTests(pair), IClassFixture<PostgresFederatingPair>;
