using System.Net;
using System.Text.Json.Nodes;
using Messenger.Federation.Client;
using Messenger.Homeserver.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>
/// Room directories and spaces across servers (server-server "Published Room Directory" and "Spaces"): a user of B
/// lists A's published rooms with <c>/publicRooms?server=</c> and walks a space into rooms only A has; A answers
/// other servers' <c>/publicRooms</c> with its own published rooms only and <c>/hierarchy</c> with what the asking
/// server may peek or join.
/// </summary>
public abstract class FederatedDirectoryTests(FederatingPair pair)
{
    private const string V3 = MatrixTestClient.V3;

    private static Task<JsonObject> SignedGetAsync(FederatingServer from, FederatingServer to, string pathAndQuery) =>
        from.Services.GetRequiredService<IFederationClient>().GetJsonAsync(to.ServerName, pathAndQuery, CancellationToken.None, FederationCallOptions.NoRetry);

    private static Task<JsonObject> SignedPostAsync(FederatingServer from, FederatingServer to, string path, JsonObject body) =>
        from.Services.GetRequiredService<IFederationClient>().PostJsonAsync(to.ServerName, path, body, CancellationToken.None, FederationCallOptions.NoRetry);

    private static async Task<FederationRequestException> SignedFailureAsync(Func<Task> call) => await Assert.ThrowsAsync<FederationRequestException>(call);

    private static string Unique(string hint) => $"{hint} {Guid.NewGuid():N}";

    private static Task<string> CreateSpaceAsync(FederatingServer server, Session owner, string name, string preset = "public_chat") =>
        server.Client.CreateRoomAsync(owner, new { preset, name, creation_content = new { type = "m.space" } });

    private static async Task AddChildAsync(FederatingServer server, Session owner, string space, string child, string via) =>
        (await server.Client.PutStateAsync(owner, space, "m.space.child", child, new { via = new[] { via } })).AssertOk();

    private static List<string> Ids(JsonNode? rooms) => rooms!.AsArray().Select(r => (string)r!["room_id"]!).ToList();

    [Fact]
    public async Task Public_rooms_of_another_server_are_listed_through_the_local_server()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var bob = await pair.B.Client.RegisterAsync();
        var name = Unique("Lobby");
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new { preset = "public_chat", visibility = "public", name, topic = "all welcome" });
        await pair.A.Client.CreateRoomAsync(alice, new { preset = "public_chat", name = name + " unpublished" });

        var all = (await pair.B.Client.GetMatrixAsync($"{V3}/publicRooms?server={FederatingPair.NameA}", bob.AccessToken)).AssertOk();
        var listed = all.Body["chunk"]!.AsArray().Single(r => (string?)r!["room_id"] == roomId)!;
        Assert.Equal(name, (string?)listed["name"]);
        Assert.Equal("all welcome", (string?)listed["topic"]);
        Assert.Equal(1, (int)listed["num_joined_members"]!);
        Assert.Equal("public", (string?)listed["join_rule"]);
        Assert.DoesNotContain(all.Body["chunk"]!.AsArray(), r => ((string?)r!["name"])?.EndsWith("unpublished", StringComparison.Ordinal) == true);

        var filtered = (await pair.B.Client.PostMatrixAsync($"{V3}/publicRooms?server={FederatingPair.NameA}",
            new { filter = new { generic_search_term = name } }, bob.AccessToken)).AssertOk();
        Assert.Equal([roomId], Ids(filtered.Body["chunk"]));
    }

    [Fact]
    public async Task Directory_of_an_unreachable_server_is_502()
    {
        var bob = await pair.B.Client.RegisterAsync();
        (await pair.B.Client.GetMatrixAsync($"{V3}/publicRooms?server=nowhere.fed.test", bob.AccessToken)).AssertError(502, "M_UNKNOWN");
    }

    [Fact]
    public async Task Federation_public_rooms_pages_with_limit_and_since_and_checks_its_parameters()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var term = Unique("Paged");
        var first = await pair.A.Client.CreateRoomAsync(alice, new { preset = "public_chat", visibility = "public", name = term + " one" });
        var second = await pair.A.Client.CreateRoomAsync(alice, new { preset = "public_chat", visibility = "public", name = term + " two" });

        var filter = new JsonObject { ["generic_search_term"] = term };
        var page = await SignedPostAsync(pair.B, pair.A, "/_matrix/federation/v1/publicRooms", new JsonObject { ["limit"] = 1, ["filter"] = filter.DeepClone() });
        Assert.Single(page["chunk"]!.AsArray());
        Assert.Equal(2, (int)page["total_room_count_estimate"]!);
        var next = await SignedPostAsync(pair.B, pair.A, "/_matrix/federation/v1/publicRooms",
            new JsonObject { ["limit"] = 1, ["since"] = (string)page["next_batch"]!, ["filter"] = filter.DeepClone() });
        var both = Ids(page["chunk"]).Concat(Ids(next["chunk"])).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), both);

        var plain = await SignedGetAsync(pair.B, pair.A, "/_matrix/federation/v1/publicRooms?limit=0");
        Assert.Contains(first, Ids(plain["chunk"]));
        Assert.Contains(second, Ids(plain["chunk"]));

        var bothNetworks = await SignedFailureAsync(() => SignedGetAsync(pair.B, pair.A,
            "/_matrix/federation/v1/publicRooms?include_all_networks=true&third_party_instance_id=irc"));
        Assert.Equal((400, "M_INVALID_PARAM"), (bothNetworks.Status, bothNetworks.Errcode));
        var badLimit = await SignedFailureAsync(() => SignedPostAsync(pair.B, pair.A, "/_matrix/federation/v1/publicRooms", new JsonObject { ["limit"] = "ten" }));
        Assert.Equal((400, "M_BAD_JSON"), (badLimit.Status, badLimit.Errcode));

        using var raw = pair.A.RawFederationClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await raw.GetAsync("/_matrix/federation/v1/publicRooms")).StatusCode);
    }

    [Fact]
    public async Task Federation_hierarchy_lists_children_the_asking_server_may_see_and_names_the_others_inaccessible()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var space = await CreateSpaceAsync(pair.A, alice, "Open space");
        var open = await pair.A.Client.CreateRoomAsync(alice, new { preset = "public_chat", name = "Open child" });
        var closed = await pair.A.Client.CreateRoomAsync(alice, new { preset = "private_chat", name = "Closed child" });
        const string unknown = "!unknown:a.fed.test";
        await AddChildAsync(pair.A, alice, space, open, FederatingPair.NameA);
        await AddChildAsync(pair.A, alice, space, closed, FederatingPair.NameA);
        await AddChildAsync(pair.A, alice, space, unknown, FederatingPair.NameA);

        var answer = await SignedGetAsync(pair.B, pair.A, $"/_matrix/federation/v1/hierarchy/{Uri.EscapeDataString(space)}");
        var room = answer["room"]!;
        Assert.Equal(space, (string?)room["room_id"]);
        Assert.Equal("m.space", (string?)room["room_type"]);
        Assert.Equal(3, room["children_state"]!.AsArray().Count);
        Assert.All(room["children_state"]!.AsArray(), c => Assert.True(c!["origin_server_ts"]!.GetValue<long>() > 0));
        Assert.Equal([open], Ids(answer["children"]));
        Assert.Equal("Open child", (string?)answer["children"]![0]!["name"]);
        Assert.Equal([closed], answer["inaccessible_children"]!.AsArray().Select(i => (string)i!).ToList());

        var missing = await SignedFailureAsync(() => SignedGetAsync(pair.B, pair.A, $"/_matrix/federation/v1/hierarchy/{Uri.EscapeDataString("!nope:a.fed.test")}"));
        Assert.Equal((404, "M_NOT_FOUND"), (missing.Status, missing.Errcode));
        var privateSpace = await CreateSpaceAsync(pair.A, alice, "Private space", "private_chat");
        var hidden = await SignedFailureAsync(() => SignedGetAsync(pair.B, pair.A, $"/_matrix/federation/v1/hierarchy/{Uri.EscapeDataString(privateSpace)}"));
        Assert.Equal((404, "M_NOT_FOUND"), (hidden.Status, hidden.Errcode));
    }

    [Fact]
    public async Task A_private_room_is_visible_to_a_server_with_a_member_in_it()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var bob = await pair.B.Client.RegisterAsync();
        var privateSpace = await CreateSpaceAsync(pair.A, alice, "Invite only", "private_chat");
        (await pair.A.Client.RoomPostAsync(alice, privateSpace, "invite", new { user_id = bob.UserId })).AssertOk();

        var answer = await SignedGetAsync(pair.B, pair.A, $"/_matrix/federation/v1/hierarchy/{Uri.EscapeDataString(privateSpace)}");
        Assert.Equal(privateSpace, (string?)answer["room"]!["room_id"]);
    }

    [Fact]
    public async Task Client_hierarchy_walks_into_rooms_only_the_other_server_has()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var bob = await pair.B.Client.RegisterAsync();
        var remoteSpace = await CreateSpaceAsync(pair.A, alice, "Remote space on A");
        var remoteLeaf = await pair.A.Client.CreateRoomAsync(alice, new { preset = "public_chat", name = "Leaf on A" });
        await AddChildAsync(pair.A, alice, remoteSpace, remoteLeaf, FederatingPair.NameA);
        var localSpace = await CreateSpaceAsync(pair.B, bob, "Space on B");
        await AddChildAsync(pair.B, bob, localSpace, remoteSpace, FederatingPair.NameA);

        var response = (await pair.B.Client.GetMatrixAsync($"/_matrix/client/v1/rooms/{Uri.EscapeDataString(localSpace)}/hierarchy", bob.AccessToken)).AssertOk();
        var rooms = response.Body["rooms"]!.AsArray();
        Assert.Equal([localSpace, remoteSpace, remoteLeaf], Ids(rooms));
        Assert.Equal("Remote space on A", (string?)rooms[1]!["name"]);
        Assert.Equal("Leaf on A", (string?)rooms[2]!["name"]);
        Assert.Equal(remoteLeaf, (string?)rooms[1]!["children_state"]![0]!["state_key"]);
    }

    [Fact]
    public async Task Client_hierarchy_reuses_the_other_servers_answer_for_a_while()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var bob = await pair.B.Client.RegisterAsync();
        var remoteSpace = await CreateSpaceAsync(pair.A, alice, "Named once");
        var localSpace = await CreateSpaceAsync(pair.B, bob, "Space on B");
        await AddChildAsync(pair.B, bob, localSpace, remoteSpace, FederatingPair.NameA);
        var path = $"/_matrix/client/v1/rooms/{Uri.EscapeDataString(localSpace)}/hierarchy";
        var first = (await pair.B.Client.GetMatrixAsync(path, bob.AccessToken)).AssertOk().Body["rooms"]!.AsArray();
        Assert.Equal("Named once", (string?)first[1]!["name"]);

        (await pair.A.Client.PutStateAsync(alice, remoteSpace, "m.room.name", "", new { name = "Renamed" })).AssertOk();

        // Synapse keeps federation /hierarchy answers for 5 minutes; within them B does not ask A again.
        var again = (await pair.B.Client.GetMatrixAsync(path, bob.AccessToken)).AssertOk().Body["rooms"]!.AsArray();
        Assert.Equal("Named once", (string?)again[1]!["name"]);
        var direct = await SignedGetAsync(pair.B, pair.A, $"/_matrix/federation/v1/hierarchy/{Uri.EscapeDataString(remoteSpace)}");
        Assert.Equal("Renamed", (string?)direct["room"]!["name"]);
    }
}

public sealed class SqliteFederatedDirectoryTests(SqliteFederatingPair pair) : FederatedDirectoryTests(pair), IClassFixture<SqliteFederatingPair>;

public sealed class PostgresFederatedDirectoryTests(PostgresFederatingPair pair) : FederatedDirectoryTests(pair), IClassFixture<PostgresFederatingPair>;
