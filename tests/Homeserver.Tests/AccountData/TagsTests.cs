using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.AccountData;

/// <summary>"Room Tagging": tags are the room's <c>m.tag</c> account data, set one at a time, delivered in sync.</summary>
public abstract class TagsTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private static string TagsPath(Session user, string roomId, string? tag = null, string? userId = null) =>
        $"{V3}/user/{Uri.EscapeDataString(userId ?? user.UserId)}/rooms/{Uri.EscapeDataString(roomId)}/tags" + (tag is null ? "" : "/" + Uri.EscapeDataString(tag));

    private async Task<JsonObject> TagsAsync(Session user, string roomId) =>
        (await Http.GetMatrixAsync(TagsPath(user, roomId), user.AccessToken)).AssertOk().Body["tags"]!.AsObject();

    [Fact]
    public async Task Tags_are_added_replaced_and_removed_one_at_a_time()
    {
        var alice = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice);
        Assert.Empty(await TagsAsync(alice, roomId));

        (await Http.SendMatrixAsync(HttpMethod.Put, TagsPath(alice, roomId, "m.favourite"), new { order = 0.25 }, alice.AccessToken)).AssertOk();
        (await Http.SendMatrixAsync(HttpMethod.Put, TagsPath(alice, roomId, "u.work"), new { }, alice.AccessToken)).AssertOk();
        (await Http.SendMatrixAsync(HttpMethod.Put, TagsPath(alice, roomId, "m.favourite"), new { order = 0.5 }, alice.AccessToken)).AssertOk();
        var tags = await TagsAsync(alice, roomId);
        Assert.Equal(0.5, (double)tags["m.favourite"]!["order"]!);
        Assert.Empty(tags["u.work"]!.AsObject());

        (await Http.SendMatrixAsync(HttpMethod.Delete, TagsPath(alice, roomId, "u.work"), null, alice.AccessToken)).AssertOk();
        (await Http.SendMatrixAsync(HttpMethod.Delete, TagsPath(alice, roomId, "u.never-set"), null, alice.AccessToken)).AssertOk();
        Assert.Equal(["m.favourite"], (await TagsAsync(alice, roomId)).Select(kv => kv.Key));

        // The tags are the room account data m.tag, readable through that API too.
        var content = (await Http.GetMatrixAsync($"{V3}/user/{Uri.EscapeDataString(alice.UserId)}/rooms/{Uri.EscapeDataString(roomId)}/account_data/m.tag", alice.AccessToken)).AssertOk().Body;
        Assert.Equal(0.5, (double)content["tags"]!["m.favourite"]!["order"]!);
    }

    [Fact]
    public async Task Bad_tags_and_other_users_tags_are_refused()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice);

        (await Http.SendMatrixAsync(HttpMethod.Put, TagsPath(alice, roomId, "u.x"), new { order = "first" }, alice.AccessToken)).AssertError(400, "M_BAD_JSON");
        (await Http.SendMatrixAsync(HttpMethod.Put, TagsPath(alice, roomId, "u." + new string('a', 254)), new { }, alice.AccessToken)).AssertError(400, "M_INVALID_PARAM");
        (await Http.SendMatrixAsync(HttpMethod.Put, TagsPath(alice, roomId, "u.x"), "[]", alice.AccessToken)).AssertError(400, "M_BAD_JSON");
        (await Http.SendMatrixAsync(HttpMethod.Put, TagsPath(bob, roomId, "u.x", alice.UserId), new { }, bob.AccessToken)).AssertError(403, "M_FORBIDDEN");
        (await Http.GetMatrixAsync(TagsPath(bob, roomId, userId: alice.UserId), bob.AccessToken)).AssertError(403, "M_FORBIDDEN");
        (await Http.SendMatrixAsync(HttpMethod.Delete, TagsPath(bob, roomId, "u.x", alice.UserId), null, bob.AccessToken)).AssertError(403, "M_FORBIDDEN");
        Assert.Empty(await TagsAsync(alice, roomId));
    }

    [Fact]
    public async Task Tag_changes_reach_sync_as_the_rooms_m_tag_event()
    {
        var alice = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice);
        (await Http.SendMatrixAsync(HttpMethod.Put, TagsPath(alice, roomId, "m.lowpriority"), new { }, alice.AccessToken)).AssertOk();

        var initial = await Http.SyncAsync(alice);
        var tag = Assert.Single(initial["rooms"]!["join"]![roomId]!["account_data"]!["events"]!.AsArray())!;
        Assert.Equal("m.tag", (string?)tag["type"]);
        Assert.NotNull(tag["content"]!["tags"]!["m.lowpriority"]);

        (await Http.SendMatrixAsync(HttpMethod.Delete, TagsPath(alice, roomId, "m.lowpriority"), null, alice.AccessToken)).AssertOk();
        var next = await Http.SyncAsync(alice, (string)initial["next_batch"]!, timeoutMs: 5000);
        var removed = Assert.Single(next["rooms"]!["join"]![roomId]!["account_data"]!["events"]!.AsArray())!;
        Assert.Empty(removed["content"]!["tags"]!.AsObject());
    }
}

public sealed class SqliteTagsTests(SqliteServer server) : TagsTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresTagsTests(PostgresServer server) : TagsTests(server), IClassFixture<PostgresServer>;
