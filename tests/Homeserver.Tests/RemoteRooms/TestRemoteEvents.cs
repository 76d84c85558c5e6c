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

    private FakeRoom? Room(string roomId)
    {
        lock (rooms) return rooms.GetValueOrDefault(roomId);
    }
}
