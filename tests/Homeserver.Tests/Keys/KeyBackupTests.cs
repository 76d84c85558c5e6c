using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Keys;

/// <summary>"Server-side key backups" (<c>/room_keys/version</c>, <c>/room_keys/keys</c>), on both databases.</summary>
public abstract class KeyBackupTests(ServerFixture server)
{
    private const string Algorithm = "m.megolm_backup.v1.curve25519-aes-sha2";
    private const string Room = "!room:test.local";

    private HttpClient Http => server.Client;

    private async Task<string> CreateBackupAsync(Session user, string publicKey = "abcdefg") =>
        (await Http.PostMatrixAsync(V3 + "/room_keys/version",
            new JsonObject { ["algorithm"] = Algorithm, ["auth_data"] = new JsonObject { ["public_key"] = publicKey } }, user.AccessToken)).AssertOk().String("version");

    private static JsonObject Key(long firstMessageIndex, long forwardedCount, bool verified, string marker) => new()
    {
        ["first_message_index"] = firstMessageIndex,
        ["forwarded_count"] = forwardedCount,
        ["is_verified"] = verified,
        ["session_data"] = new JsonObject { ["ciphertext"] = marker },
    };

    private Task<MatrixResponse> PutKeyAsync(Session user, string version, string session, JsonObject key) =>
        Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/room_keys/keys/{Uri.EscapeDataString(Room)}/{session}?version={version}", key, user.AccessToken);

    private async Task<string?> StoredMarkerAsync(Session user, string version, string session)
    {
        var response = await Http.GetMatrixAsync($"{V3}/room_keys/keys/{Uri.EscapeDataString(Room)}/{session}?version={version}", user.AccessToken);
        return (string?)response.AssertOk().Body["session_data"]!["ciphertext"];
    }

    [Fact]
    public async Task A_backup_version_is_created_read_updated_and_deleted()
    {
        var user = await Http.RegisterAsync();
        (await Http.GetMatrixAsync(V3 + "/room_keys/version", user.AccessToken)).AssertError(404, "M_NOT_FOUND");
        var version = await CreateBackupAsync(user);

        var latest = (await Http.GetMatrixAsync(V3 + "/room_keys/version", user.AccessToken)).AssertOk().Body;
        Assert.Equal(version, (string?)latest["version"]);
        Assert.Equal(Algorithm, (string?)latest["algorithm"]);
        Assert.Equal(0, (int)latest["count"]!);
        Assert.IsType<string>((string?)latest["etag"]);

        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/room_keys/version/{version}",
            new JsonObject { ["algorithm"] = Algorithm, ["auth_data"] = new JsonObject { ["public_key"] = "new" }, ["version"] = version }, user.AccessToken)).AssertOk();
        Assert.Equal("new", (string?)(await Http.GetMatrixAsync($"{V3}/room_keys/version/{version}", user.AccessToken)).Body["auth_data"]!["public_key"]);
        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/room_keys/version/{version}",
            new JsonObject { ["algorithm"] = "m.other", ["auth_data"] = new JsonObject() }, user.AccessToken)).AssertError(400, "M_INVALID_PARAM");
        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/room_keys/version/{version}",
            new JsonObject { ["algorithm"] = Algorithm, ["auth_data"] = new JsonObject(), ["version"] = "999" }, user.AccessToken)).AssertError(400, "M_INVALID_PARAM");

        (await Http.SendMatrixAsync(HttpMethod.Delete, $"{V3}/room_keys/version/{version}", null, user.AccessToken)).AssertOk();
        (await Http.GetMatrixAsync($"{V3}/room_keys/version/{version}", user.AccessToken)).AssertError(404, "M_NOT_FOUND");
        Assert.NotEqual(version, await CreateBackupAsync(user));
    }

    [Fact]
    public async Task Another_users_backup_is_not_visible()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var version = await CreateBackupAsync(alice);
        (await Http.GetMatrixAsync($"{V3}/room_keys/version/{version}", bob.AccessToken)).AssertError(404, "M_NOT_FOUND");
        (await Http.GetMatrixAsync(V3 + "/room_keys/version", bob.AccessToken)).AssertError(404, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Keys_replace_by_verification_then_first_message_index_then_forwarded_count()
    {
        var user = await Http.RegisterAsync();
        var version = await CreateBackupAsync(user);
        var put = (await PutKeyAsync(user, version, "s1", Key(5, 1, false, "first"))).AssertOk();
        Assert.Equal(1, (int)put.Body["count"]!);
        var etag = put.String("etag");

        (await PutKeyAsync(user, version, "s1", Key(6, 0, false, "later index"))).AssertOk();
        Assert.Equal("first", await StoredMarkerAsync(user, version, "s1"));
        var unchanged = (await PutKeyAsync(user, version, "s1", Key(5, 2, false, "more forwarded"))).AssertOk();
        Assert.Equal(etag, unchanged.String("etag"));

        (await PutKeyAsync(user, version, "s1", Key(5, 0, false, "less forwarded"))).AssertOk();
        Assert.Equal("less forwarded", await StoredMarkerAsync(user, version, "s1"));
        (await PutKeyAsync(user, version, "s1", Key(3, 0, false, "lower index"))).AssertOk();
        Assert.Equal("lower index", await StoredMarkerAsync(user, version, "s1"));
        var verified = (await PutKeyAsync(user, version, "s1", Key(9, 9, true, "verified"))).AssertOk();
        Assert.Equal("verified", await StoredMarkerAsync(user, version, "s1"));
        Assert.NotEqual(etag, verified.String("etag"));
        (await PutKeyAsync(user, version, "s1", Key(0, 0, false, "unverified"))).AssertOk();
        Assert.Equal("verified", await StoredMarkerAsync(user, version, "s1"));
    }

    [Fact]
    public async Task Keys_are_read_and_deleted_for_all_rooms_one_room_or_one_session()
    {
        var user = await Http.RegisterAsync();
        var version = await CreateBackupAsync(user);
        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/room_keys/keys?version={version}", new JsonObject
        {
            ["rooms"] = new JsonObject
            {
                [Room] = new JsonObject { ["sessions"] = new JsonObject { ["a"] = Key(0, 0, false, "a"), ["b"] = Key(0, 0, false, "b") } },
                ["!other:test.local"] = new JsonObject { ["sessions"] = new JsonObject { ["c"] = Key(0, 0, false, "c") } },
            },
        }, user.AccessToken)).AssertOk();

        var all = (await Http.GetMatrixAsync($"{V3}/room_keys/keys?version={version}", user.AccessToken)).AssertOk().Body;
        Assert.Equal(2, all["rooms"]!.AsObject().Count);
        var room = (await Http.GetMatrixAsync($"{V3}/room_keys/keys/{Uri.EscapeDataString(Room)}?version={version}", user.AccessToken)).AssertOk().Body;
        Assert.Equal(["a", "b"], room["sessions"]!.AsObject().Select(p => p.Key).Order());
        var empty = (await Http.GetMatrixAsync($"{V3}/room_keys/keys/{Uri.EscapeDataString("!none:test.local")}?version={version}", user.AccessToken)).AssertOk().Body;
        Assert.Empty(empty["sessions"]!.AsObject());
        (await Http.GetMatrixAsync($"{V3}/room_keys/keys/{Uri.EscapeDataString(Room)}/zzz?version={version}", user.AccessToken)).AssertError(404, "M_NOT_FOUND");

        var afterSession = (await Http.SendMatrixAsync(HttpMethod.Delete, $"{V3}/room_keys/keys/{Uri.EscapeDataString(Room)}/a?version={version}", null, user.AccessToken)).AssertOk();
        Assert.Equal(2, (int)afterSession.Body["count"]!);
        var afterRoom = (await Http.SendMatrixAsync(HttpMethod.Delete, $"{V3}/room_keys/keys/{Uri.EscapeDataString(Room)}?version={version}", null, user.AccessToken)).AssertOk();
        Assert.Equal(1, (int)afterRoom.Body["count"]!);
        var afterAll = (await Http.SendMatrixAsync(HttpMethod.Delete, $"{V3}/room_keys/keys?version={version}", null, user.AccessToken)).AssertOk();
        Assert.Equal(0, (int)afterAll.Body["count"]!);
    }

    [Fact]
    public async Task A_session_id_with_slash_and_plus_is_one_escaped_path_segment()
    {
        // Megolm session ids are unpadded standard base64: about half contain '/', which the client sends as %2F.
        const string session = "ibtLoTnclWyz/CywlUfICt9ZrbDDjNWmvRIYcGyuNg8+";
        var user = await Http.RegisterAsync();
        var version = await CreateBackupAsync(user);
        (await PutKeyAsync(user, version, Uri.EscapeDataString(session), Key(0, 0, false, "slashed"))).AssertOk();

        Assert.Equal("slashed", await StoredMarkerAsync(user, version, Uri.EscapeDataString(session)));
        var room = (await Http.GetMatrixAsync($"{V3}/room_keys/keys/{Uri.EscapeDataString(Room)}?version={version}", user.AccessToken)).AssertOk().Body;
        Assert.Equal([session], room["sessions"]!.AsObject().Select(p => p.Key));
        var deleted = (await Http.SendMatrixAsync(HttpMethod.Delete, $"{V3}/room_keys/keys/{Uri.EscapeDataString(Room)}/{Uri.EscapeDataString(session)}?version={version}", null, user.AccessToken)).AssertOk();
        Assert.Equal(0, (int)deleted.Body["count"]!);
    }

    [Fact]
    public async Task Keys_go_only_to_the_current_version()
    {
        var user = await Http.RegisterAsync();
        (await PutKeyAsync(user, "1", "s", Key(0, 0, false, "x"))).AssertError(404, "M_NOT_FOUND");
        var old = await CreateBackupAsync(user);
        var current = await CreateBackupAsync(user);

        var wrong = (await PutKeyAsync(user, old, "s", Key(0, 0, false, "x"))).AssertError(403, "M_WRONG_ROOM_KEYS_VERSION");
        Assert.Equal(current, (string?)wrong.Body["current_version"]);
        (await PutKeyAsync(user, current, "s", Key(0, 0, false, "x"))).AssertOk();
        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/room_keys/keys/{Uri.EscapeDataString(Room)}/s", Key(0, 0, false, "x"), user.AccessToken))
            .AssertError(400, "M_MISSING_PARAM");
    }

    [Fact]
    public async Task Malformed_key_data_is_refused_and_nothing_is_stored()
    {
        var user = await Http.RegisterAsync();
        var version = await CreateBackupAsync(user);
        var bad = Key(0, 0, false, "x");
        bad["is_verified"] = "yes";
        (await PutKeyAsync(user, version, "s", bad)).AssertError(400, "M_BAD_JSON");
        var huge = Key(0, 0, false, new string('x', 70_000));
        (await PutKeyAsync(user, version, "s", huge)).AssertError(413, "M_TOO_LARGE");
        Assert.Equal(0, (int)(await Http.GetMatrixAsync($"{V3}/room_keys/version/{version}", user.AccessToken)).Body["count"]!);
    }
}

public sealed class SqliteKeyBackupTests(SqliteServer server) : KeyBackupTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresKeyBackupTests(PostgresServer server) : KeyBackupTests(server), IClassFixture<PostgresServer>;
