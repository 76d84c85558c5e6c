using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.Keys;
using Messenger.Federation.Protocol.Signing;
using Messenger.Homeserver.RoomServer.Remote;
using Messenger.Homeserver.Tests.Support;

namespace Messenger.Homeserver.Tests.RemoteRooms;

/// <summary>
/// Received PDUs take the spec's checks in order (server-server API, "Checks performed on receipt of a PDU"): format
/// and signatures (dropped), content hash (redacted), auth events and state before (rejected), current state
/// (soft-failed); accepted ones reach local users' sync like local events.
/// </summary>
public abstract class RemoteEventIngestTests(IFederatedServer federated) : RemoteEventsTestBase(federated)
{
    [Fact]
    public async Task Joined_remote_room_shows_in_sync_with_its_state_and_the_join_only_in_the_timeline()
    {
        var (room, _, bob) = await JoinedRemoteRoomAsync();

        var sync = await Http.SyncAsync(bob);
        var joined = sync["rooms"]!["join"]![room.RoomId]!;
        var timeline = sync.Timeline(room.RoomId);
        Assert.Equal([EventTypes.Member], timeline.Select(e => (string)e["type"]!));
        var stateTypes = joined["state"]!["events"]!.AsArray().Select(e => (string)e!["type"]!).ToList();
        Assert.Contains(EventTypes.Create, stateTypes);
        Assert.Contains(EventTypes.PowerLevels, stateTypes);

        // The auth chain and state came as outliers: in the state, never in the room's history.
        var messages = (await Http.RoomGetAsync(bob, room.RoomId, "messages?dir=b&limit=50")).AssertOk();
        Assert.Equal([EventTypes.Member], messages.Body["chunk"]!.AsArray().Select(e => (string)e!["type"]!));
        var state = await CurrentStateAsync(bob, room.RoomId);
        Assert.Equal(6, state.Count);
    }

    [Fact]
    public async Task Accepted_message_reaches_sync_of_local_members()
    {
        var (room, remote, bob) = await JoinedRemoteRoomAsync();
        var before = (string)(await Http.SyncAsync(bob))["next_batch"]!;

        var message = room.Add(remote, remote.User("alice"), "m.room.message", Text("hello from afar"));
        var results = await IngestAsync(room, message);

        Assert.Equal(IngestOutcome.Accepted, Assert.Single(results).Outcome);
        Assert.Equal(["hello from afar"], (await Http.SyncAsync(bob, before)).Timeline(room.RoomId).Bodies());
    }

    [Fact]
    public async Task Local_event_after_remote_ones_cites_the_remote_extremity()
    {
        var (room, remote, bob) = await JoinedRemoteRoomAsync();
        var message = room.Add(remote, remote.User("alice"), "m.room.message", Text("first"));
        await IngestAsync(room, message);

        var reply = await Http.SendTextAsync(bob, room.RoomId, "reply");

        var stored = await Server.WithServiceAsync<RoomServer.RoomEventPipeline, JsonObject>(async p =>
            (await p.LoadEventAsync(reply, room.Version, CancellationToken.None)).Json);
        Assert.Equal([message.EventId], stored["prev_events"]!.AsArray().Select(e => (string)e!));
        Assert.Equal(message.Depth + 1, (long)stored["depth"]!);
    }

    [Fact]
    public async Task Event_signed_with_a_key_the_server_does_not_publish_is_dropped()
    {
        var (room, remote, bob) = await JoinedRemoteRoomAsync();
        var impostor = new FakeRemoteServer(remote.Name, ServerSigningKey.Generate("other"));
        var forged = room.Add(impostor, remote.User("alice"), "m.room.message", Text("forged"));

        var result = Assert.Single(await IngestAsync(room, forged));

        Assert.Equal(IngestOutcome.Dropped, result.Outcome);
        Assert.True(result.IsError);
        (await GetEventAsync(bob, room.RoomId, forged.EventId)).AssertError(404, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Event_claiming_a_sender_of_another_server_is_dropped()
    {
        var (room, remote, _) = await JoinedRemoteRoomAsync();
        var other = NewRemote("other");
        var claimed = room.Add(other, remote.User("alice"), "m.room.message", Text("I am alice"));

        Assert.Equal(IngestOutcome.Dropped, Assert.Single(await IngestAsync(room, claimed)).Outcome);
    }

    [Fact]
    public async Task Event_whose_content_hash_does_not_match_is_stored_redacted()
    {
        var (room, remote, bob) = await JoinedRemoteRoomAsync();
        var message = room.Add(remote, remote.User("alice"), "m.room.message", Text("original"));
        var tampered = FakeRoom.Json(message);
        tampered["content"]!["body"] = "tampered"; // the signature covers only the redacted event, the hash the content

        var result = Assert.Single(await IngestJsonAsync(room, [tampered]));

        Assert.Equal(IngestOutcome.Accepted, result.Outcome);
        var served = (await GetEventAsync(bob, room.RoomId, message.EventId)).AssertOk().Body;
        Assert.Empty(served["content"]!.AsObject());
    }

    [Fact]
    public async Task Invalid_event_format_is_dropped()
    {
        var (room, remote, _) = await JoinedRemoteRoomAsync();
        var message = FakeRoom.Json(room.Add(remote, remote.User("alice"), "m.room.message", Text("x")));
        message["depth"] = "deep";

        Assert.Equal(IngestOutcome.Dropped, Assert.Single(await IngestJsonAsync(room, [message])).Outcome);
    }

    [Fact]
    public async Task Event_from_a_non_member_is_rejected_stored_and_never_processed_again()
    {
        var (room, remote, bob) = await JoinedRemoteRoomAsync();
        var before = (string)(await Http.SyncAsync(bob))["next_batch"]!;
        var intruder = room.Add(remote, remote.User("mallory"), "m.room.message", Text("let me in"));

        var first = Assert.Single(await IngestAsync(room, intruder));
        var again = Assert.Single(await IngestAsync(room, intruder));

        Assert.Equal(IngestOutcome.Rejected, first.Outcome);
        Assert.False(first.IsError); // "Rejection": a rejected event does not fail the transaction
        Assert.Equal(IngestOutcome.Rejected, again.Outcome);
        Assert.Empty((await Http.SyncAsync(bob, before)).Timeline(room.RoomId));
        (await GetEventAsync(bob, room.RoomId, intruder.EventId)).AssertError(404, "M_NOT_FOUND");

        // Our next event does not build on it: a rejected event is never a prev event of ours.
        var reply = await Http.SendTextAsync(bob, room.RoomId, "after");
        var stored = await Server.WithServiceAsync<RoomServer.RoomEventPipeline, Pdu>(p => p.LoadEventAsync(reply, room.Version, CancellationToken.None));
        Assert.DoesNotContain(intruder.EventId, stored.PrevEventIds);
    }

    [Fact]
    public async Task Event_citing_a_rejected_auth_event_is_rejected()
    {
        var (room, remote, _) = await JoinedRemoteRoomAsync();
        // Mallory joins an invite-only room without an invite (rejected), then speaks citing that join.
        var joinRules = room.Add(remote, remote.User("alice"), EventTypes.JoinRules, new JsonObject { ["join_rule"] = "invite" }, "");
        await IngestAsync(room, joinRules);
        var join = room.Add(remote, remote.User("mallory"), EventTypes.Member, new JsonObject { ["membership"] = "join" }, remote.User("mallory"));
        var speech = room.Add(remote, remote.User("mallory"), "m.room.message", Text("hi"));

        var results = await IngestAsync(room, join, speech);

        Assert.Equal([IngestOutcome.Rejected, IngestOutcome.Rejected], results.Select(r => r.Outcome));
    }

    [Fact]
    public async Task Same_transaction_twice_stores_each_event_once()
    {
        var (room, remote, bob) = await JoinedRemoteRoomAsync();
        var before = (string)(await Http.SyncAsync(bob))["next_batch"]!;
        var one = room.Add(remote, remote.User("alice"), "m.room.message", Text("one"));
        var two = room.Add(remote, remote.User("alice"), "m.room.message", Text("two"));

        var first = await IngestAsync(room, one, two);
        var second = await IngestAsync(room, one, two);

        Assert.All(first, r => Assert.Equal(IngestOutcome.Accepted, r.Outcome));
        Assert.All(second, r => Assert.Equal(IngestOutcome.AlreadyKnown, r.Outcome));
        Assert.Equal(["one", "two"], (await Http.SyncAsync(bob, before)).Timeline(room.RoomId).Bodies());
    }

    [Fact]
    public async Task Events_of_a_transaction_out_of_order_are_taken_parents_first()
    {
        var (room, remote, bob) = await JoinedRemoteRoomAsync();
        var before = (string)(await Http.SyncAsync(bob))["next_batch"]!;
        var one = room.Add(remote, remote.User("alice"), "m.room.message", Text("one"));
        var two = room.Add(remote, remote.User("alice"), "m.room.message", Text("two"));

        var results = await IngestAsync(room, two, one);

        Assert.All(results, r => Assert.Equal(IngestOutcome.Accepted, r.Outcome));
        Assert.Equal(["one", "two"], (await Http.SyncAsync(bob, before)).Timeline(room.RoomId).Bodies());
    }

    [Fact]
    public async Task Event_with_unknown_prev_events_is_dropped_until_they_can_be_fetched()
    {
        var (room, remote, _) = await JoinedRemoteRoomAsync();
        room.Add(remote, remote.User("alice"), "m.room.message", Text("never sent"));
        var orphan = room.Add(remote, remote.User("alice"), "m.room.message", Text("orphan"));

        var result = Assert.Single(await IngestAsync(room, orphan));

        Assert.Equal(IngestOutcome.Dropped, result.Outcome);
        Assert.Contains("prev events", result.Reason);
    }

    [Fact]
    public async Task Gap_before_a_received_event_is_fetched_from_its_sender()
    {
        var (room, remote, bob) = await JoinedRemoteRoomAsync();
        var since = (string)(await Http.SyncAsync(bob))["next_batch"]!;
        var carol = remote.User("carol");
        room.Add(remote, carol, EventTypes.Member, new JsonObject { ["membership"] = "join" }, carol);
        room.Add(remote, carol, "m.room.message", Text("missed one"));
        var latest = room.Add(remote, carol, "m.room.message", Text("missed two"));

        var result = Assert.Single(await ReceiveFromAsync(remote, room, latest));

        Assert.Equal(IngestOutcome.Accepted, result.Outcome);
        Assert.Equal(["missed one", "missed two"], (await Http.SyncAsync(bob, since)).Timeline(room.RoomId).Bodies());
    }

    [Fact]
    public async Task Redaction_by_the_senders_server_is_applied()
    {
        var (room, remote, bob) = await JoinedRemoteRoomAsync("11"); // v11: redacts is in the content
        var message = room.Add(remote, remote.User("alice"), "m.room.message", Text("oops"));
        var redaction = room.Add(remote, remote.User("alice"), EventTypes.Redaction, new JsonObject { ["redacts"] = message.EventId });

        await IngestAsync(room, message);
        Assert.Equal(IngestOutcome.Accepted, Assert.Single(await IngestAsync(room, redaction)).Outcome);

        var served = (await GetEventAsync(bob, room.RoomId, message.EventId)).AssertOk().Body;
        Assert.Empty(served["content"]!.AsObject());
    }

    [Fact]
    public async Task Redaction_in_the_same_transaction_as_its_target_is_applied()
    {
        var (room, remote, bob) = await JoinedRemoteRoomAsync("11");
        var message = room.Add(remote, remote.User("alice"), "m.room.message", Text("zebra sent and taken back at once"));
        var kept = room.Add(remote, remote.User("alice"), "m.room.message", Text("giraffe stays"));
        var redaction = room.Add(remote, remote.User("alice"), EventTypes.Redaction, new JsonObject { ["redacts"] = message.EventId });

        Assert.All(await IngestAsync(room, message, kept, redaction), r => Assert.Equal(IngestOutcome.Accepted, r.Outcome));

        var served = (await GetEventAsync(bob, room.RoomId, message.EventId)).AssertOk().Body;
        Assert.Empty(served["content"]!.AsObject());
        Assert.Empty(await SearchAsync(bob, "zebra"));
        Assert.Equal([kept.EventId], await SearchAsync(bob, "giraffe"));
    }

    private async Task<List<string>> SearchAsync(Session session, string term)
    {
        var body = new JsonObject { ["search_categories"] = new JsonObject { ["room_events"] = new JsonObject { ["search_term"] = term } } };
        var found = (await Http.PostMatrixAsync(MatrixTestClient.V3 + "/search", body, session.AccessToken)).AssertOk().Body;
        return [.. found["search_categories"]!["room_events"]!["results"]!.AsArray().Select(r => (string)r!["result"]!["event_id"]!)];
    }
}

public sealed class SqliteRemoteEventIngestTests(FederatedSqliteServer server) : RemoteEventIngestTests(server), IClassFixture<FederatedSqliteServer>;

public sealed class PostgresRemoteEventIngestTests(FederatedPostgresServer server) : RemoteEventIngestTests(server), IClassFixture<FederatedPostgresServer>;
