using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.RoomServer.Remote;
using Messenger.Homeserver.Tests.Support;

namespace Messenger.Homeserver.Tests.RemoteRooms;

/// <summary>
/// What the remote-event tests share: a room created on a fake remote server that a local user joined (the
/// <c>send_join</c> answer persisted through <see cref="RemoteRoomJoin"/>), and ingesting PDUs in-process through
/// <see cref="RemoteEventIngest"/>, the service behind <c>PUT /send</c>.
/// </summary>
public abstract class RemoteEventsTestBase(IFederatedServer federated)
{
    protected ServerFixture Server => federated.Fixture;
    protected HttpClient Http => Server.Client;
    protected TestRemoteEvents RemoteEvents => federated.RemoteEvents;

    /// <summary>A fresh remote server whose key the server under test can fetch.</summary>
    protected FakeRemoteServer NewRemote(string hint = "remote")
    {
        var remote = new FakeRemoteServer($"{hint}-{Guid.NewGuid():N}"[..20] + ".test");
        federated.Keys.Publish(remote);
        return remote;
    }

    /// <summary>Alice on a remote server creates a public room; Bob, a local user, joins it through our server.</summary>
    protected async Task<(FakeRoom Room, FakeRemoteServer Remote, Session Bob)> JoinedRemoteRoomAsync(string version = "10", JsonObject? users = null)
    {
        var remote = NewRemote();
        var http = Http;
        var room = FakeRoom.Create(remote, remote.User("alice"), version, users);
        federated.RemoteEvents.Serve(room);
        var bob = await http.RegisterAsync();
        var (state, authChain) = room.StateAndAuthChain();
        var join = room.Add(Server.Self(), bob.UserId, EventTypes.Member, new JsonObject { ["membership"] = "join" }, bob.UserId);
        var result = await Server.WithServiceAsync<RemoteRoomJoin, IngestResult>(j =>
            j.PersistJoinAsync(room.RoomId, room.Version, FakeRoom.Json(join), state, authChain, CancellationToken.None));
        Assert.True(result.Outcome == IngestOutcome.Accepted, $"join {result.Outcome}: {result.Reason}");
        return (room, remote, bob);
    }

    protected Task<IReadOnlyList<IngestResult>> IngestAsync(FakeRoom room, params Pdu[] pdus) =>
        IngestJsonAsync(room, [.. pdus.Select(FakeRoom.Json)]);

    protected Task<IReadOnlyList<IngestResult>> IngestJsonAsync(FakeRoom room, IReadOnlyList<JsonObject> pdus, string? origin = null) =>
        Server.WithServiceAsync<RemoteEventIngest, IReadOnlyList<IngestResult>>(i => i.IngestAsync(room.RoomId, pdus, CancellationToken.None, origin));

    /// <summary>Ingests as events received from <paramref name="origin"/>: missing events are fetched from it.</summary>
    protected Task<IReadOnlyList<IngestResult>> ReceiveFromAsync(FakeRemoteServer origin, FakeRoom room, params Pdu[] pdus) =>
        IngestJsonAsync(room, [.. pdus.Select(FakeRoom.Json)], origin.Name);

    protected static JsonObject Text(string body) => new() { ["msgtype"] = "m.text", ["body"] = body };

    /// <summary>The room's current state as a client reads it: (type, state_key) → event id.</summary>
    protected async Task<Dictionary<(string, string), string>> CurrentStateAsync(Session session, string roomId)
    {
        var response = await Http.RoomGetAsync(session, roomId, "state");
        response.AssertOk();
        var events = JsonNode.Parse(await response.Raw.Content.ReadAsStringAsync())!.AsArray();
        return events.ToDictionary(e => ((string)e!["type"]!, (string)e["state_key"]!), e => (string)e!["event_id"]!);
    }

    protected async Task<MatrixResponse> GetEventAsync(Session session, string roomId, string eventId) =>
        await Http.RoomGetAsync(session, roomId, "event/" + Uri.EscapeDataString(eventId));
}
