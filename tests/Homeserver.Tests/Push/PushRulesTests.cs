using System.Text.Json.Nodes;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Push;

/// <summary>"Push Rules: API": the default ruleset, user rules and their order, enabled/actions, and the errors.</summary>
public abstract class PushRulesTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private static string RulePath(string kind, string ruleId, string suffix = "") =>
        $"{V3}/pushrules/global/{kind}/{Uri.EscapeDataString(ruleId)}{suffix}";

    private Task<MatrixResponse> PutRuleAsync(Session user, string kind, string ruleId, object body, string query = "") =>
        Http.SendMatrixAsync(HttpMethod.Put, RulePath(kind, ruleId) + query, body, user.AccessToken);

    private static List<string> Ids(JsonObject ruleset, string kind) =>
        ruleset[kind]!.AsArray().Select(r => (string)r!["rule_id"]!).ToList();

    [Fact]
    public async Task Default_ruleset_has_every_kind_and_the_spec_defaults_in_the_spec_order()
    {
        var alice = await Http.RegisterAsync();
        var global = (await Http.GetMatrixAsync(V3 + "/pushrules/", alice.AccessToken)).AssertOk().Body["global"]!.AsObject();

        Assert.Equal(["content", "override", "room", "sender", "underride"], global.Select(p => p.Key).Order());
        Assert.Equal([".m.rule.master", ".m.rule.suppress_notices", ".m.rule.invite_for_me", ".m.rule.member_event",
            ".m.rule.is_user_mention", ".m.rule.is_room_mention", ".m.rule.tombstone", ".m.rule.reaction",
            ".m.rule.room.server_acl", ".m.rule.suppress_edits"], Ids(global, "override"));
        Assert.Equal([".m.rule.call", ".m.rule.encrypted_room_one_to_one", ".m.rule.room_one_to_one", ".m.rule.message", ".m.rule.encrypted"],
            Ids(global, "underride"));
        Assert.Empty(global["content"]!.AsArray());
        Assert.Empty(global["room"]!.AsArray());

        var master = global["override"]![0]!.AsObject();
        Assert.False((bool)master["enabled"]!);
        Assert.True((bool)master["default"]!);
        Assert.Empty(master["actions"]!.AsArray());
        var invite = global["override"]![2]!.AsObject();
        Assert.Equal(alice.UserId, (string)invite["conditions"]![2]!["pattern"]!);
        var mention = global["override"]![4]!.AsObject();
        Assert.Equal("content.m\\.mentions.user_ids", (string)mention["conditions"]![0]!["key"]!);
        Assert.Equal(alice.UserId, (string)mention["conditions"]![0]!["value"]!);
        Assert.Equal("""["notify",{"set_tweak":"sound","value":"default"},{"set_tweak":"highlight"}]""", mention["actions"]!.ToJsonString());
        Assert.Equal("""{"kind":"room_member_count","is":"2"}""", global["underride"]![2]!["conditions"]![0]!.ToJsonString());
    }

    [Fact]
    public async Task Ruleset_is_served_under_global_and_the_legacy_r0_prefix_and_needs_a_token()
    {
        var alice = await Http.RegisterAsync();
        var full = (await Http.GetMatrixAsync(V3 + "/pushrules/", alice.AccessToken)).AssertOk().Body["global"]!.ToJsonString();

        Assert.Equal(full, (await Http.GetMatrixAsync(V3 + "/pushrules/global/", alice.AccessToken)).AssertOk().Body.ToJsonString());
        Assert.Equal(full, (await Http.GetMatrixAsync("/_matrix/client/r0/pushrules/", alice.AccessToken)).AssertOk().Body["global"]!.ToJsonString());
        (await Http.GetMatrixAsync(V3 + "/pushrules/")).AssertError(401, "M_MISSING_TOKEN");
    }

    [Fact]
    public async Task New_rules_are_enabled_and_most_important_unless_before_or_after_place_them()
    {
        var alice = await Http.RegisterAsync();
        (await PutRuleAsync(alice, "content", "tea", new { pattern = "tea", actions = new[] { "notify" } })).AssertOk();
        (await PutRuleAsync(alice, "content", "time", new { pattern = "time", actions = new[] { "notify" } })).AssertOk();
        (await PutRuleAsync(alice, "content", "cake", new { pattern = "cake", actions = Array.Empty<string>() }, "?before=tea")).AssertOk();
        (await PutRuleAsync(alice, "content", "lie", new { pattern = "cake*lie", actions = Array.Empty<string>() }, "?after=time")).AssertOk();

        var global = (await Http.GetMatrixAsync(V3 + "/pushrules/global/", alice.AccessToken)).AssertOk().Body;
        Assert.Equal(["time", "lie", "cake", "tea"], Ids(global, "content"));
        var rule = (await Http.GetMatrixAsync(RulePath("content", "lie"), alice.AccessToken)).AssertOk().Body;
        Assert.Equal("""{"rule_id":"lie","default":false,"enabled":true,"actions":[],"pattern":"cake*lie"}""", rule.ToJsonString());

        // Updating keeps the place unless asked to move; before wins over after.
        (await PutRuleAsync(alice, "content", "time", new { pattern = "time", actions = new object[] { "notify", new { set_tweak = "sound", value = "bing" } } })).AssertOk();
        (await PutRuleAsync(alice, "content", "tea", new { pattern = "tea", actions = new[] { "notify" } }, "?before=lie&after=cake")).AssertOk();
        global = (await Http.GetMatrixAsync(V3 + "/pushrules/global/", alice.AccessToken)).AssertOk().Body;
        Assert.Equal(["time", "tea", "lie", "cake"], Ids(global, "content"));
        Assert.Equal("bing", (string)global["content"]![0]!["actions"]![1]!["value"]!);
    }

    [Fact]
    public async Task User_override_rules_come_after_master_and_before_the_other_defaults()
    {
        var alice = await Http.RegisterAsync();
        var body = new { conditions = new object[] { new { kind = "event_match", key = "content.body", pattern = "beer" }, new { kind = "room_member_count", @is = "<=10" } }, actions = new[] { "notify" } };
        (await PutRuleAsync(alice, "override", "beer", body)).AssertOk();
        (await PutRuleAsync(alice, "room", "!spam:test.local", new { actions = Array.Empty<string>() })).AssertOk();

        var global = (await Http.GetMatrixAsync(V3 + "/pushrules/global/", alice.AccessToken)).AssertOk().Body;
        Assert.Equal([".m.rule.master", "beer", ".m.rule.suppress_notices"], Ids(global, "override").Take(3));
        Assert.Equal(2, global["override"]![1]!["conditions"]!.AsArray().Count);
        Assert.Equal("""{"rule_id":"!spam:test.local","default":false,"enabled":true,"actions":[]}""", global["room"]![0]!.ToJsonString());
    }

    [Fact]
    public async Task Enabled_and_actions_can_be_read_and_changed_for_user_and_default_rules()
    {
        var alice = await Http.RegisterAsync();
        (await PutRuleAsync(alice, "sender", "@bot:test.local", new { actions = Array.Empty<string>() })).AssertOk();

        (await Http.SendMatrixAsync(HttpMethod.Put, RulePath("override", ".m.rule.master", "/enabled"), new { enabled = true }, alice.AccessToken)).AssertOk();
        (await Http.SendMatrixAsync(HttpMethod.Put, RulePath("sender", "@bot:test.local", "/enabled"), new { enabled = false }, alice.AccessToken)).AssertOk();
        (await Http.SendMatrixAsync(HttpMethod.Put, RulePath("underride", ".m.rule.message", "/actions"),
            new { actions = new object[] { "notify", new { set_tweak = "highlight" } } }, alice.AccessToken)).AssertOk();

        Assert.True((bool)(await Http.GetMatrixAsync(RulePath("override", ".m.rule.master", "/enabled"), alice.AccessToken)).AssertOk().Body["enabled"]!);
        Assert.False((bool)(await Http.GetMatrixAsync(RulePath("sender", "@bot:test.local", "/enabled"), alice.AccessToken)).AssertOk().Body["enabled"]!);
        Assert.Equal("""["notify",{"set_tweak":"highlight"}]""",
            (await Http.GetMatrixAsync(RulePath("underride", ".m.rule.message", "/actions"), alice.AccessToken)).AssertOk().Body["actions"]!.ToJsonString());
        var message = (await Http.GetMatrixAsync(RulePath("underride", ".m.rule.message"), alice.AccessToken)).AssertOk().Body;
        Assert.True((bool)message["default"]!);
        Assert.True((bool)message["enabled"]!);

        // Another user keeps the spec's defaults.
        var bob = await Http.RegisterAsync();
        Assert.False((bool)(await Http.GetMatrixAsync(RulePath("override", ".m.rule.master", "/enabled"), bob.AccessToken)).AssertOk().Body["enabled"]!);
    }

    [Fact]
    public async Task User_rules_can_be_deleted_server_defaults_cannot()
    {
        var alice = await Http.RegisterAsync();
        (await PutRuleAsync(alice, "content", "cake", new { pattern = "cake", actions = new[] { "notify" } })).AssertOk();

        (await Http.SendMatrixAsync(HttpMethod.Delete, RulePath("content", "cake"), null, alice.AccessToken)).AssertOk();
        (await Http.GetMatrixAsync(RulePath("content", "cake"), alice.AccessToken)).AssertError(404, "M_NOT_FOUND");
        (await Http.SendMatrixAsync(HttpMethod.Delete, RulePath("content", "cake"), null, alice.AccessToken)).AssertError(404, "M_NOT_FOUND");
        (await Http.SendMatrixAsync(HttpMethod.Delete, RulePath("override", ".m.rule.master"), null, alice.AccessToken)).AssertError(400, "M_INVALID_PARAM");
        (await Http.GetMatrixAsync(RulePath("override", ".m.rule.master"), alice.AccessToken)).AssertOk();
    }

    [Fact]
    public async Task Unknown_rules_and_kinds_are_refused()
    {
        var alice = await Http.RegisterAsync();
        (await Http.GetMatrixAsync(RulePath("content", "nothing"), alice.AccessToken)).AssertError(404, "M_NOT_FOUND");
        (await Http.GetMatrixAsync(RulePath("content", "nothing", "/actions"), alice.AccessToken)).AssertError(404, "M_NOT_FOUND");
        (await Http.SendMatrixAsync(HttpMethod.Put, RulePath("room", "!none:test.local", "/enabled"), new { enabled = true }, alice.AccessToken)).AssertError(404, "M_NOT_FOUND");
        (await Http.SendMatrixAsync(HttpMethod.Put, RulePath("room", "!none:test.local", "/actions"), new { actions = new[] { "notify" } }, alice.AccessToken)).AssertError(404, "M_NOT_FOUND");
        (await Http.GetMatrixAsync(RulePath("override", ".m.rule.message"), alice.AccessToken)).AssertError(404, "M_NOT_FOUND");

        (await Http.GetMatrixAsync(RulePath("everything", "x"), alice.AccessToken)).AssertError(400, "M_INVALID_PARAM");
        (await PutRuleAsync(alice, "everything", "x", new { actions = new[] { "notify" } })).AssertError(400, "M_INVALID_PARAM");
        (await Http.SendMatrixAsync(HttpMethod.Delete, RulePath("everything", "x"), null, alice.AccessToken)).AssertError(400, "M_INVALID_PARAM");
        (await Http.SendMatrixAsync(HttpMethod.Put, RulePath("everything", "x", "/enabled"), new { enabled = true }, alice.AccessToken)).AssertError(400, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task Invalid_rules_are_refused_and_nothing_is_stored()
    {
        var alice = await Http.RegisterAsync();
        (await PutRuleAsync(alice, "override", ".my.rule", new { actions = new[] { "notify" } })).AssertError(400, "M_INVALID_PARAM");
        (await PutRuleAsync(alice, "override", "a/b", new { actions = new[] { "notify" } })).AssertError(400, "M_INVALID_PARAM");
        (await PutRuleAsync(alice, "override", "a\\b", new { actions = new[] { "notify" } })).AssertError(400, "M_INVALID_PARAM");
        (await PutRuleAsync(alice, "override", "x", new { conditions = Array.Empty<object>() })).AssertError(400, "M_MISSING_PARAM");
        (await PutRuleAsync(alice, "override", "x", new { actions = "notify" })).AssertError(400, "M_BAD_JSON");
        (await PutRuleAsync(alice, "override", "x", new { actions = new[] { "explode" } })).AssertError(400, "M_UNKNOWN");
        (await PutRuleAsync(alice, "override", "x", new { actions = new[] { "notify" }, conditions = new object[] { "type" } })).AssertError(400, "M_BAD_JSON");
        (await PutRuleAsync(alice, "content", "x", new { actions = new[] { "notify" } })).AssertError(400, "M_MISSING_PARAM");
        (await PutRuleAsync(alice, "content", "x", new { pattern = "x", actions = new[] { "notify" } }, "?before=nothing")).AssertError(400, "M_UNKNOWN");
        (await PutRuleAsync(alice, "override", "x", new { actions = new[] { "notify" } }, "?after=.m.rule.master")).AssertError(400, "M_UNKNOWN");
        (await Http.SendMatrixAsync(HttpMethod.Put, RulePath("override", ".m.rule.master", "/enabled"), new { enabled = "yes" }, alice.AccessToken)).AssertError(400, "M_BAD_JSON");
        (await Http.SendMatrixAsync(HttpMethod.Put, RulePath("override", ".m.rule.master", "/actions"), new { }, alice.AccessToken)).AssertError(400, "M_MISSING_PARAM");
        (await Http.SendMatrixAsync(HttpMethod.Put, RulePath("override", "x"), "{not json", alice.AccessToken)).AssertError(400, "M_NOT_JSON");

        var global = (await Http.GetMatrixAsync(V3 + "/pushrules/global/", alice.AccessToken)).AssertOk().Body;
        Assert.Equal(10, global["override"]!.AsArray().Count);
        Assert.Empty(global["content"]!.AsArray());
    }

    [Fact]
    public async Task Every_change_moves_the_users_push_rules_version_for_sync()
    {
        var alice = await Http.RegisterAsync();
        async Task<long?> VersionAsync()
        {
            await using var scope = server.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<PushRuleStore>().VersionAsync(alice.UserId, CancellationToken.None);
        }
        Assert.Null(await VersionAsync());

        (await PutRuleAsync(alice, "room", "!r:test.local", new { actions = Array.Empty<string>() })).AssertOk();
        var first = await VersionAsync();
        (await Http.SendMatrixAsync(HttpMethod.Put, RulePath("room", "!r:test.local", "/enabled"), new { enabled = false }, alice.AccessToken)).AssertOk();
        var second = await VersionAsync();
        (await PutRuleAsync(alice, "room", ".bad", new { actions = Array.Empty<string>() })).AssertError(400, "M_INVALID_PARAM");

        Assert.NotNull(first);
        Assert.True(second > first);
        Assert.Equal(second, await VersionAsync());
    }
}

public sealed class SqlitePushRulesTests(SqliteServer server) : PushRulesTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresPushRulesTests(PostgresServer server) : PushRulesTests(server), IClassFixture<PostgresServer>;
