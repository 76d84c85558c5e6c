using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.Homeserver.Tests.Storage;

/// <summary>
/// The newest events of many rooms in one query (<see cref="RoomStore.RecentInRoomsAsync"/>) must read each room as one
/// range of the (room_id, stream_ordering) index, both ends bounded: a room's whole history is not read for its newest ten.
/// </summary>
public sealed class RecentInRoomsPlanTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    [Fact]
    public async Task SQLite_searches_each_rooms_range_of_the_room_and_position_index()
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HomeserverDbContext>();
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + string.Format(System.Globalization.CultureInfo.InvariantCulture,
            RoomStore.RecentInRoomsSqlite, "'[\"!a:test\",\"!b:test\"]'", 0, 1000, 11);
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) plan.Add(reader.GetString(3));
        }
        Assert.Contains(plan, step => step.StartsWith("SEARCH e USING INDEX IX_events_room_id_stream_ordering (room_id=? AND stream_ordering>? AND stream_ordering<?)",
            StringComparison.Ordinal));
        Assert.Contains(plan, step => step.StartsWith("SEARCH s USING COVERING INDEX IX_events_room_id_stream_ordering", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN e", StringComparison.Ordinal) || step.StartsWith("SCAN s", StringComparison.Ordinal));
    }
}
