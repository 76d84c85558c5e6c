using System.Text.Json.Nodes;
using Messenger.Homeserver.ClientApi.Rooms;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.Homeserver.Tests.Rooms;

/// <summary>
/// Events are parsed once and shared between the responses that format them (<see cref="ParsedEvents"/>): what one
/// response does with its copy must never reach another, and an event whose stored JSON changed is parsed again.
/// </summary>
public sealed class ParsedEventsTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    private async Task<JsonObject> FormatAsync(string roomId, string eventId)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var row = (await scope.ServiceProvider.GetRequiredService<RoomStore>().EventRowAsync(eventId))!;
        var version = (await scope.ServiceProvider.GetRequiredService<RoomEventPipeline>().SnapshotAsync(roomId, CancellationToken.None))!.Version;
        return (await scope.ServiceProvider.GetRequiredService<ClientEventFormatter>().FormatAsync([row], version, null, null, CancellationToken.None))[0];
    }

    [Fact]
    public async Task Changing_one_formatted_copy_leaves_the_next_one_as_stored()
    {
        var alice = await server.Client.RegisterAsync();
        var roomId = await server.Client.CreateRoomAsync(alice);
        var eventId = await server.Client.SendTextAsync(alice, roomId, "as sent");

        var first = await FormatAsync(roomId, eventId);
        var expected = first.ToJsonString();
        first["content"]!["body"] = "changed by one response";
        first["content"]!.AsObject().Add("extra", 1);
        first["sender"] = "@someone:else";
        first.Remove("type");

        var second = await FormatAsync(roomId, eventId);
        second.Remove("unsigned");
        var original = JsonNode.Parse(expected)!.AsObject();
        original.Remove("unsigned"); // its age moves on
        Assert.Equal(original.ToJsonString(), second.ToJsonString());
        Assert.Equal("as sent", (string?)second["content"]!["body"]);
        Assert.Equal(alice.UserId, (string?)second["sender"]);
    }

    [Fact]
    public async Task An_event_whose_stored_json_changed_is_parsed_again()
    {
        var alice = await server.Client.RegisterAsync();
        var roomId = await server.Client.CreateRoomAsync(alice);
        var eventId = await server.Client.SendTextAsync(alice, roomId, "before");
        await using var scope = server.Services.CreateAsyncScope();
        var row = (await scope.ServiceProvider.GetRequiredService<RoomStore>().EventRowAsync(eventId))!;
        var parsed = scope.ServiceProvider.GetRequiredService<ParsedEvents>();
        Assert.Equal("before", parsed.RootOf(row).GetProperty("content").GetProperty("body").GetString());

        var pdu = JsonNode.Parse(row.Json)!.AsObject();
        pdu["content"]!["body"] = "after";
        row.Json = pdu.ToJsonString();
        Assert.Equal("after", parsed.RootOf(row).GetProperty("content").GetProperty("body").GetString());
    }
}
