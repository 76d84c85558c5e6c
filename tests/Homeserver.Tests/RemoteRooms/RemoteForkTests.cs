using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.RoomServer.Remote;
using Messenger.Homeserver.Tests.Support;

namespace Messenger.Homeserver.Tests.RemoteRooms;

/// <summary>
/// Branches of the room DAG received over federation: an event on an old branch that the current state no longer
/// allows is soft-failed ("Soft failure"), and when branches merge the state before the merge is resolved with the
/// room version's algorithm, whatever order the branches arrived in.
/// </summary>
public abstract class RemoteForkTests(IFederatedServer federated) : RemoteEventsTestBase(federated)
{
    [Fact]
    public async Task Message_on_a_branch_from_before_the_senders_ban_is_soft_failed()
    {
        var (room, remote, bob) = await JoinedRemoteRoomAsync();
        var carol = remote.User("carol");
        var carolJoin = room.Add(remote, carol, EventTypes.Member, new JsonObject { ["membership"] = "join" }, carol);
        var ban = room.Add(remote, remote.User("alice"), EventTypes.Member, new JsonObject { ["membership"] = "ban" }, carol);
        var evading = room.Add(remote, carol, "m.room.message", Text("evading the ban"), prevEvents: [carolJoin.EventId]);
        await IngestAsync(room, carolJoin, ban);
        var since = (string)(await Http.SyncAsync(bob))["next_batch"]!;

        var result = Assert.Single(await IngestAsync(room, evading));

        Assert.Equal(IngestOutcome.SoftFailed, result.Outcome);
        Assert.Empty((await Http.SyncAsync(bob, since)).Timeline(room.RoomId));
        (await GetEventAsync(bob, room.RoomId, evading.EventId)).AssertError(404, "M_NOT_FOUND");
        // Not a forward extremity: our next event builds on the ban only.
        var reply = await Http.SendTextAsync(bob, room.RoomId, "after");
        Assert.Equal([ban.EventId], (await LoadAsync(reply, room)).PrevEventIds);
        Assert.Equal(IngestOutcome.AlreadyKnown, Assert.Single(await IngestAsync(room, evading)).Outcome);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Concurrent_ban_and_topic_change_by_the_banned_user_converge_whatever_the_arrival_order(bool banFirst)
    {
        var carolLevel = new JsonObject();
        var (room, remote, bob) = await JoinedRemoteRoomAsync(users: carolLevel);
        var alice = remote.User("alice");
        var carol = remote.User("carol");
        var carolJoin = room.Add(remote, carol, EventTypes.Member, new JsonObject { ["membership"] = "join" }, carol);
        var levels = room.Add(remote, alice, EventTypes.PowerLevels,
            new JsonObject { ["users"] = new JsonObject { [alice] = 100, [carol] = 50 }, ["state_default"] = 50 }, "");
        var topic = room.Add(remote, alice, "m.room.topic", new JsonObject { ["topic"] = "original" }, "");
        await IngestAsync(room, carolJoin, levels, topic);

        // Two branches from the topic: alice bans carol; carol (level 50) changes the topic.
        var ban = room.Add(remote, alice, EventTypes.Member, new JsonObject { ["membership"] = "ban" }, carol, prevEvents: [topic.EventId]);
        var carolTopic = room.Add(remote, carol, "m.room.topic", new JsonObject { ["topic"] = "carol's" }, "", prevEvents: [topic.EventId]);
        var first = banFirst ? ban : carolTopic;
        var second = banFirst ? carolTopic : ban;
        Assert.Equal(IngestOutcome.Accepted, Assert.Single(await IngestAsync(room, first)).Outcome);
        var secondOutcome = Assert.Single(await IngestAsync(room, second)).Outcome;
        // The topic change on the branch before the ban fails against a current state that has the ban.
        Assert.Equal(banFirst ? IngestOutcome.SoftFailed : IngestOutcome.Accepted, secondOutcome);

        // Alice's server merges both branches.
        var merge = room.Add(remote, alice, "m.room.message", Text("merged"), prevEvents: [ban.EventId, carolTopic.EventId]);
        Assert.Equal(IngestOutcome.Accepted, Assert.Single(await IngestAsync(room, merge)).Outcome);

        // State resolution v2 orders the ban (a power event) first; carol's topic then fails the iterative auth checks.
        var state = await CurrentStateAsync(bob, room.RoomId);
        Assert.Equal(ban.EventId, state[(EventTypes.Member, carol)]);
        Assert.Equal(topic.EventId, state[("m.room.topic", "")]);
        Assert.Equal(room.StateBefore([merge.EventId]).Count, state.Count);
        Assert.Equal([merge.EventId], (await LoadAsync(await Http.SendTextAsync(bob, room.RoomId, "seen"), room)).PrevEventIds);
    }

    [Fact]
    public async Task Open_branches_are_all_cited_by_our_next_event_and_the_current_state_is_their_resolution()
    {
        var (room, remote, bob) = await JoinedRemoteRoomAsync();
        var alice = remote.User("alice");
        var fork = room.Extremities.ToList();
        var name = room.Add(remote, alice, "m.room.name", new JsonObject { ["name"] = "left" }, "", prevEvents: fork);
        var topic = room.Add(remote, alice, "m.room.topic", new JsonObject { ["topic"] = "right" }, "", prevEvents: fork);

        var results = await IngestAsync(room, name, topic);

        Assert.All(results, r => Assert.Equal(IngestOutcome.Accepted, r.Outcome));
        var state = await CurrentStateAsync(bob, room.RoomId);
        Assert.Equal(name.EventId, state[("m.room.name", "")]);
        Assert.Equal(topic.EventId, state[("m.room.topic", "")]);
        var reply = await LoadAsync(await Http.SendTextAsync(bob, room.RoomId, "both"), room);
        Assert.Equal(new[] { name.EventId, topic.EventId }.Order(), reply.PrevEventIds.Order());

        // After a restart the room is read back from the database with the same current state.
        Server.Services.GetType();
        var snapshot = await Server.WithServiceAsync<RoomEventPipeline, RoomSnapshot?>(p => p.SnapshotAsync(room.RoomId, CancellationToken.None));
        Assert.Equal(reply.EventId, Assert.Single(snapshot!.Extremities));
    }

    [Fact]
    public async Task Room_version_12_events_are_ingested_with_the_create_event_as_implicit_auth()
    {
        var (room, remote, bob) = await JoinedRemoteRoomAsync("12");
        var since = (string)(await Http.SyncAsync(bob))["next_batch"]!;
        var message = room.Add(remote, remote.User("alice"), "m.room.message", Text("v12"));

        Assert.Equal(IngestOutcome.Accepted, Assert.Single(await IngestAsync(room, message)).Outcome);
        Assert.Equal(["v12"], (await Http.SyncAsync(bob, since)).Timeline(room.RoomId).Bodies());
    }

    private Task<Pdu> LoadAsync(string eventId, FakeRoom room) =>
        Server.WithServiceAsync<RoomEventPipeline, Pdu>(p => p.LoadEventAsync(eventId, room.Version, CancellationToken.None));
}

public sealed class SqliteRemoteForkTests(FederatedSqliteServer server) : RemoteForkTests(server), IClassFixture<FederatedSqliteServer>;

public sealed class PostgresRemoteForkTests(FederatedPostgresServer server) : RemoteForkTests(server), IClassFixture<FederatedPostgresServer>;
