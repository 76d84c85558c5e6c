using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.RoomServer.Remote;
using Messenger.Homeserver.Tests.Support;

namespace Messenger.Homeserver.Tests.RemoteRooms;

/// <summary>
/// A received event after a gap larger than <c>/get_missing_events</c> fills (limit 10): the state before it comes from
/// its sender (<c>/state_ids</c>, unknown events fetched), it is judged on that state like any event (accepted, or
/// rejected when that state does not allow it), and the room's current state becomes the resolution of the branches.
/// </summary>
public abstract class RemoteStateGapTests(IFederatedServer federated) : RemoteEventsTestBase(federated)
{
    private const int GapLongerThanMissingEventsFills = RemoteEventIngest.MissingEventsLimit + 5;

    [Fact]
    public async Task Event_after_a_long_gap_is_accepted_on_its_senders_state_and_the_gaps_state_changes_apply()
    {
        var (room, remote, bob) = await JoinedRemoteRoomAsync();
        var since = (string)(await Http.SyncAsync(bob))["next_batch"]!;
        var carol = remote.User("carol");
        var carolJoin = room.Add(remote, carol, EventTypes.Member, new JsonObject { ["membership"] = "join" }, carol);
        var topic = room.Add(remote, remote.User("alice"), "m.room.topic", new JsonObject { ["topic"] = "set in the gap" }, "");
        for (var i = 0; i < GapLongerThanMissingEventsFills; i++) room.Add(remote, carol, "m.room.message", Text("missed " + i));
        var latest = room.Add(remote, carol, "m.room.message", Text("after the gap"));
        var asked = RemoteEvents.StateIdsRequests;

        var result = Assert.Single(await ReceiveFromAsync(remote, room, latest));

        Assert.True(result.Outcome == IngestOutcome.Accepted, $"{result.Outcome}: {result.Reason}");
        Assert.Equal(asked + 1, RemoteEvents.StateIdsRequests);
        var state = await CurrentStateAsync(bob, room.RoomId);
        Assert.Equal(topic.EventId, state[("m.room.topic", "")]);
        Assert.Equal(carolJoin.EventId, state[("m.room.member", carol)]);
        Assert.Contains("after the gap", (await Http.SyncAsync(bob, since)).Timeline(room.RoomId).Bodies());

        // Our next event builds on it.
        var reply = await Http.SendTextAsync(bob, room.RoomId, "reply");
        var stored = (await GetEventAsync(bob, room.RoomId, reply)).AssertOk();
        Assert.NotNull(stored.Body["event_id"]);
    }

    [Fact]
    public async Task Event_after_a_long_gap_from_a_sender_not_joined_in_that_state_is_rejected()
    {
        var (room, remote, bob) = await JoinedRemoteRoomAsync();
        for (var i = 0; i < GapLongerThanMissingEventsFills; i++) room.Add(remote, remote.User("alice"), "m.room.message", Text("missed " + i));
        // Mallory never joined: the state before the event (as the sender itself reports it) has no join for her.
        var intruder = room.Add(remote, remote.User("mallory"), "m.room.message", Text("let me in"));
        var before = await CurrentStateAsync(bob, room.RoomId);

        var result = Assert.Single(await ReceiveFromAsync(remote, room, intruder));

        Assert.Equal(IngestOutcome.Rejected, result.Outcome);
        Assert.Equal(before, await CurrentStateAsync(bob, room.RoomId));
    }
}

public sealed class SqliteRemoteStateGapTests(FederatedSqliteServer server) : RemoteStateGapTests(server), IClassFixture<FederatedSqliteServer>;

public sealed class PostgresRemoteStateGapTests(FederatedPostgresServer server) : RemoteStateGapTests(server), IClassFixture<FederatedPostgresServer>;
