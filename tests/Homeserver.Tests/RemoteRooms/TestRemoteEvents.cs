using System.Text.Json.Nodes;
using Messenger.Homeserver.RoomServer.Remote;

namespace Messenger.Homeserver.Tests.RemoteRooms;

/// <summary>The fake remote servers' answers to <c>/get_missing_events</c> and <c>/event_auth</c>, from the rooms a test registered.</summary>
public sealed class TestRemoteEvents : IRemoteEventFetcher
{
    private readonly Dictionary<string, FakeRoom> rooms = new(StringComparer.Ordinal);

    /// <summary>How many times the server under test asked (a test can check it did not).</summary>
    public int Requests { get; private set; }

    public void Serve(FakeRoom room)
    {
        lock (rooms) rooms[room.RoomId] = room;
    }

    public Task<IReadOnlyList<JsonObject>> MissingEventsAsync(string destination, string roomId, IReadOnlyList<string> earliest, IReadOnlyList<string> latest, int limit, long minDepth, CancellationToken ct)
    {
        Requests++;
        IReadOnlyList<JsonObject> events = Room(roomId) is { } room ? [.. room.Ancestors(latest, earliest, limit).Select(FakeRoom.Json)] : [];
        return Task.FromResult(events);
    }

    public Task<IReadOnlyList<JsonObject>> AuthChainAsync(string destination, string roomId, string eventId, CancellationToken ct)
    {
        Requests++;
        IReadOnlyList<JsonObject> events = Room(roomId) is { } room ? [.. room.AuthChainOf(eventId).Select(FakeRoom.Json)] : [];
        return Task.FromResult(events);
    }

    public Task<IReadOnlyList<JsonObject>> BackfillAsync(string destination, string roomId, IReadOnlyList<string> from, int limit, CancellationToken ct)
    {
        Requests++;
        return Task.FromResult<IReadOnlyList<JsonObject>>([]);
    }

    public Task<RemoteStateIds?> StateIdsAsync(string destination, string roomId, string eventId, CancellationToken ct)
    {
        Requests++;
        StateIdsRequests++;
        if (Room(roomId) is not { } room) return Task.FromResult<RemoteStateIds?>(null);
        var state = room.StateBefore(room[eventId].PrevEventIds).Values.ToList();
        var chain = state.SelectMany(room.AuthChainOf).Select(e => e.EventId).Distinct().ToList();
        return Task.FromResult<RemoteStateIds?>(new RemoteStateIds(state, chain));
    }

    public Task<IReadOnlyList<JsonObject>> EventsAsync(string destination, IReadOnlyList<string> eventIds, CancellationToken ct)
    {
        Requests++;
        IReadOnlyList<JsonObject> events = eventIds.Select(id => Rooms().Select(r => r.Find(id)).OfType<Messenger.Federation.Protocol.Events.Pdu>().FirstOrDefault())
            .OfType<Messenger.Federation.Protocol.Events.Pdu>().Select(FakeRoom.Json).ToList();
        return Task.FromResult(events);
    }

    /// <summary>How many times the state before an event was asked for (the path for gaps larger than get_missing_events fills).</summary>
    public int StateIdsRequests { get; private set; }

    private List<FakeRoom> Rooms()
    {
        lock (rooms) return [.. rooms.Values];
    }

    private FakeRoom? Room(string roomId)
    {
        lock (rooms) return rooms.GetValueOrDefault(roomId);
    }
}
