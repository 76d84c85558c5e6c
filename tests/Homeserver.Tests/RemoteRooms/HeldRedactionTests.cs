using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.RoomServer.Remote;
using Messenger.Homeserver.Tests.Support;

namespace Messenger.Homeserver.Tests.RemoteRooms;

/// <summary>
/// rooms v3+ "Handling redactions": a redaction received before its target (on another branch of the DAG) is held; when
/// the target arrives it is stored redacted (content gone, <c>redacted_because</c>, not searchable), if the redaction's
/// sender may redact it (same server, or the redact level).
/// </summary>
public abstract class HeldRedactionTests(IFederatedServer federated) : RemoteEventsTestBase(federated)
{
    private async Task<List<string>> SearchAsync(Session session, string term)
    {
        var body = new JsonObject { ["search_categories"] = new JsonObject { ["room_events"] = new JsonObject { ["search_term"] = term } } };
        var found = (await Http.PostMatrixAsync(MatrixTestClient.V3 + "/search", body, session.AccessToken)).AssertOk().Body;
        return [.. found["search_categories"]!["room_events"]!["results"]!.AsArray().Select(r => (string)r!["result"]!["event_id"]!)];
    }

    [Fact]
    public async Task Redaction_received_before_its_target_redacts_the_target_when_it_arrives()
    {
        var (room, remote, bob) = await JoinedRemoteRoomAsync("11"); // v11: redacts is in the content
        var fork = room.Extremities.ToList();
        var message = room.Add(remote, remote.User("alice"), "m.room.message", Text("walrus said too soon"), prevEvents: fork);
        var redaction = room.Add(remote, remote.User("alice"), EventTypes.Redaction, new JsonObject { ["redacts"] = message.EventId }, prevEvents: fork);

        Assert.Equal(IngestOutcome.Accepted, Assert.Single(await IngestAsync(room, redaction)).Outcome);
        Assert.Equal(IngestOutcome.Accepted, Assert.Single(await IngestAsync(room, message)).Outcome);

        var served = (await GetEventAsync(bob, room.RoomId, message.EventId)).AssertOk().Body;
        Assert.Empty(served["content"]!.AsObject());
        Assert.Equal(redaction.EventId, (string?)served["unsigned"]?["redacted_because"]?["event_id"]);
        Assert.Empty(await SearchAsync(bob, "walrus"));
    }

    [Fact]
    public async Task Held_redaction_by_a_member_of_another_server_below_the_redact_level_is_not_applied()
    {
        var (room, remote, bob) = await JoinedRemoteRoomAsync("11");
        var other = NewRemote("other");
        var mallory = other.User("mallory");
        var join = room.Add(other, mallory, EventTypes.Member, new JsonObject { ["membership"] = "join" }, mallory);
        Assert.Equal(IngestOutcome.Accepted, Assert.Single(await IngestAsync(room, join)).Outcome);
        var fork = room.Extremities.ToList();
        var message = room.Add(remote, remote.User("alice"), "m.room.message", Text("narwhal stays"), prevEvents: fork);
        var redaction = room.Add(other, mallory, EventTypes.Redaction, new JsonObject { ["redacts"] = message.EventId }, prevEvents: fork);

        Assert.Equal(IngestOutcome.Accepted, Assert.Single(await IngestAsync(room, redaction)).Outcome);
        Assert.Equal(IngestOutcome.Accepted, Assert.Single(await IngestAsync(room, message)).Outcome);

        var served = (await GetEventAsync(bob, room.RoomId, message.EventId)).AssertOk().Body;
        Assert.Equal("narwhal stays", (string?)served["content"]?["body"]);
        Assert.Null(served["unsigned"]?["redacted_because"]);
    }
}

public sealed class SqliteHeldRedactionTests(FederatedSqliteServer server) : HeldRedactionTests(server), IClassFixture<FederatedSqliteServer>;

public sealed class PostgresHeldRedactionTests(FederatedPostgresServer server) : HeldRedactionTests(server), IClassFixture<FederatedPostgresServer>;
