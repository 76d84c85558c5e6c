using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.Homeserver.Tests.Storage;

/// <summary>
/// The state key, relation, thread and redaction indexes of <c>events</c> hold only the rows where their column is set
/// (a plain message is in none of them). The queries on those columns compare them with a value, which the planner
/// must still recognise as implying the index's <c>IS NOT NULL</c>; else they would scan the whole table.
/// </summary>
public sealed class PartialEventIndexTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    [Theory]
    [InlineData("SELECT event_id FROM events WHERE state_key = 'u' AND type = 'm.room.member' AND stream_ordering > 5",
        "IX_events_state_key_type_stream_ordering")]
    [InlineData("SELECT event_id FROM events WHERE relates_to_id = '$p' AND rel_type = 'm.annotation' AND sender = 'u'",
        "IX_events_relates_to_id_rel_type_depth_stream_ordering")]
    [InlineData("SELECT event_id FROM events WHERE room_id = '!r' AND rel_type = 'm.thread' AND relates_to_id = '$p'",
        "IX_events_room_id_rel_type_relates_to_id_stream_ordering")]
    [InlineData("SELECT event_id FROM events WHERE room_id = '!r' AND thread_id = '$root' AND stream_ordering > 5",
        "IX_events_room_id_thread_id_stream_ordering")]
    [InlineData("SELECT event_id FROM events WHERE redacts IS NOT NULL AND redacts IN ('$a', '$b')",
        "IX_events_redacts")]
    public async Task Queries_on_the_optional_columns_use_their_partial_index(string query, string index)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HomeserverDbContext>();
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + query;
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) plan.Add(reader.GetString(3));
        }
        Assert.Contains(plan, step => step.Contains(index, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("IX_events_state_key_type_stream_ordering", "state_key")]
    [InlineData("IX_events_relates_to_id_rel_type_depth_stream_ordering", "relates_to_id")]
    [InlineData("IX_events_room_id_rel_type_relates_to_id_stream_ordering", "rel_type")]
    [InlineData("IX_events_room_id_thread_id_stream_ordering", "thread_id")]
    [InlineData("IX_events_redacts", "redacts")]
    public async Task The_migrated_schema_leaves_rows_without_the_column_out_of_the_index(string index, string column)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HomeserverDbContext>();
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"SELECT sql FROM sqlite_master WHERE type = 'index' AND name = '{index}'";
        var sql = (string)(await command.ExecuteScalarAsync())!;
        Assert.EndsWith($"WHERE {column} IS NOT NULL", sql, StringComparison.Ordinal);
    }
}
