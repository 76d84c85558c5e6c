using System.Text.Json.Nodes;
using Messenger.Homeserver.Push;

namespace Messenger.Homeserver.Tests.Push;

/// <summary>The push rule evaluator against the spec's examples ("Conditions", "Predefined Rules") and its edge cases.</summary>
public sealed class PushRuleEvaluatorTests
{
    private const string Alice = "@alice:example.org";

    private static JsonObject Event(string json) => JsonNode.Parse(json)!.AsObject();

    private static JsonObject Message(string body, string? extraContent = null, string sender = "@bob:example.org") =>
        Event($$$"""{"type":"m.room.message","sender":"{{{sender}}}","room_id":"!room:example.org","event_id":"$e","content":{"msgtype":"m.text","body":{{{System.Text.Json.JsonSerializer.Serialize(body)}}}{{{extraContent}}}}}""");

    private static PushEvaluationInput Input(JsonObject ev, int members = 3, string? displayName = "Alice", long senderLevel = 0, long roomLevel = 50) =>
        new(ev, Alice, members, displayName, senderLevel, key => key == "room" ? roomLevel : null);

    private static bool Holds(string condition, PushEvaluationInput input) =>
        PushRuleEvaluator.ConditionHolds(JsonNode.Parse(condition)!.AsObject(), input);

    private static PushEvaluation Defaults(PushEvaluationInput input) =>
        PushRuleEvaluator.Evaluate(PushRuleSet.Merge(DefaultPushRules.For(Alice), []), input);

    [Theory]
    [InlineData("Lunch plans", true)]
    [InlineData("LUNCH", true)]
    [InlineData(" lunch", false)]
    [InlineData("lunc", false)]
    public void Event_match_matches_the_whole_value_case_insensitively(string topic, bool matches)
    {
        var ev = Event($$$"""{"type":"m.room.topic","state_key":"","content":{"topic":{{{System.Text.Json.JsonSerializer.Serialize(topic)}}}}}""");
        Assert.Equal(matches, Holds("""{"kind":"event_match","key":"content.topic","pattern":"lunc?*"}""", Input(ev)));
    }

    [Theory]
    [InlineData("m.room.message", "m.room.message", true)]
    [InlineData("M.Room.Message", "m.room.message", true)]
    [InlineData("m.room.message", "m.room.messages", false)]
    [InlineData("m.room.message", "m room message", false)]
    [InlineData("ÉTÉ", "été", true)]
    [InlineData("été", "ete", false)]
    public void Event_match_without_wildcards_is_a_case_insensitive_comparison_of_the_whole_value(string pattern, string type, bool matches)
    {
        var ev = Event($$$"""{"type":{{{System.Text.Json.JsonSerializer.Serialize(type)}}},"content":{}}""");
        var condition = $$$"""{"kind":"event_match","key":"type","pattern":{{{System.Text.Json.JsonSerializer.Serialize(pattern)}}}}""";
        Assert.Equal(matches, Holds(condition, Input(ev)));
    }

    [Fact]
    public void Event_match_never_matches_an_absent_or_non_string_value_even_with_star()
    {
        var ev = Event("""{"type":"m.room.topic","content":{"topic":null,"n":5}}""");
        Assert.False(Holds("""{"kind":"event_match","key":"content.topic","pattern":"*"}""", Input(ev)));
        Assert.False(Holds("""{"kind":"event_match","key":"content.n","pattern":"*"}""", Input(ev)));
        Assert.False(Holds("""{"kind":"event_match","key":"content.missing","pattern":"*"}""", Input(ev)));
        Assert.False(Holds("""{"kind":"event_match","key":"content.topic"}""", Input(ev)));
    }

    [Theory]
    [InlineData("An example event.", true)]
    [InlineData("exple", true)]
    [InlineData("An exciting triple-whammy", true)]
    [InlineData("examples", false)]
    [InlineData("counterexample", false)]
    [InlineData("exampler", false)]
    [InlineData("ex_ample", true)]
    public void Event_match_on_content_body_matches_between_word_boundaries(string body, bool matches) =>
        Assert.Equal(matches, Holds("""{"kind":"event_match","key":"content.body","pattern":"ex*ple"}""", Input(Message(body))));

    [Fact]
    public void Glob_patterns_are_literal_apart_from_star_and_question_mark()
    {
        Assert.True(GlobPattern.Matches("a.b(c)", "A.B(C)"));
        Assert.False(GlobPattern.Matches("a.b", "axb"));
        Assert.True(GlobPattern.Matches("", ""));
        Assert.False(GlobPattern.Matches("", "x"));
        Assert.True(GlobPattern.Matches("m.*", "m.room.message"));
        Assert.True(GlobPattern.Matches("*a*a*a*a*a*a*a*a*b", new string('a', 5000) + "b"));
    }

    [Fact]
    public void Dotted_paths_unescape_dots_and_backslashes_only()
    {
        Assert.Equal(["content", "m.relates_to", "rel_type"], PropertyPath.Split("content.m\\.relates_to.rel_type"));
        Assert.Equal(["content", "m\\foo"], PropertyPath.Split("content.m\\\\foo"));
        Assert.Equal(["content", "m\\xfoo"], PropertyPath.Split("content.m\\xfoo"));
    }

    [Fact]
    public void Event_property_is_matches_exact_scalars_without_casting()
    {
        var ev = Event("""{"type":"m.room.create","content":{"m.federate":true,"s":"true","n":1,"z":null,"o":{"a":1}}}""");
        Assert.True(Holds("""{"kind":"event_property_is","key":"content.m\\.federate","value":true}""", Input(ev)));
        Assert.False(Holds("""{"kind":"event_property_is","key":"content.s","value":true}""", Input(ev)));
        Assert.False(Holds("""{"kind":"event_property_is","key":"content.n","value":true}""", Input(ev)));
        Assert.True(Holds("""{"kind":"event_property_is","key":"content.n","value":1}""", Input(ev)));
        Assert.False(Holds("""{"kind":"event_property_is","key":"content.n","value":"1"}""", Input(ev)));
        Assert.True(Holds("""{"kind":"event_property_is","key":"content.z","value":null}""", Input(ev)));
        Assert.False(Holds("""{"kind":"event_property_is","key":"content.missing","value":null}""", Input(ev)));
        Assert.False(Holds("""{"kind":"event_property_is","key":"content.o","value":null}""", Input(ev)));
    }

    [Fact]
    public void Event_property_contains_matches_exact_array_members()
    {
        var ev = Event("""{"type":"m.room.canonical_alias","content":{"alt_aliases":["#somewhere:example.org","#myroom:example.com",{"x":1}],"alias":"#myroom:example.com"}}""");
        Assert.True(Holds("""{"kind":"event_property_contains","key":"content.alt_aliases","value":"#myroom:example.com"}""", Input(ev)));
        Assert.False(Holds("""{"kind":"event_property_contains","key":"content.alt_aliases","value":":example.com"}""", Input(ev)));
        Assert.False(Holds("""{"kind":"event_property_contains","key":"content.alias","value":"#myroom:example.com"}""", Input(ev)));
    }

    [Theory]
    [InlineData("2", 2, true)]
    [InlineData("==2", 3, false)]
    [InlineData("<10", 9, true)]
    [InlineData("<10", 10, false)]
    [InlineData("<=10", 10, true)]
    [InlineData(">2", 3, true)]
    [InlineData(">=3", 2, false)]
    [InlineData("x2", 2, false)]
    [InlineData("", 0, false)]
    public void Room_member_count_compares_with_the_prefix(string spec, int members, bool matches) =>
        Assert.Equal(matches, PushRuleEvaluator.MemberCountMatches(spec, members));

    [Fact]
    public void Contains_display_name_looks_for_the_name_as_a_word_of_the_body()
    {
        var condition = """{"kind":"contains_display_name"}""";
        Assert.True(Holds(condition, Input(Message("hi alice!"))));
        Assert.False(Holds(condition, Input(Message("hi malice"))));
        Assert.False(Holds(condition, Input(Message("hi alice"), displayName: null)));
        Assert.True(Holds(condition, Input(Message("ping *star* now"), displayName: "*star*")));
        Assert.False(Holds(condition, Input(Message("ping xstarx now"), displayName: "*star*")));
    }

    [Fact]
    public void Sender_notification_permission_compares_the_senders_level_with_the_key()
    {
        var condition = """{"kind":"sender_notification_permission","key":"room"}""";
        Assert.True(Holds(condition, Input(Message("x"), senderLevel: 50)));
        Assert.False(Holds(condition, Input(Message("x"), senderLevel: 49)));
        Assert.True(Holds(condition, Input(Message("x"), senderLevel: 0, roomLevel: 0)));
        Assert.False(Holds("""{"kind":"sender_notification_permission","key":"other"}""", Input(Message("x"), senderLevel: 100)));
    }

    [Fact]
    public void Unknown_conditions_never_match()
    {
        Assert.False(Holds("""{"kind":"org.example.future"}""", Input(Message("x"))));
        var rule = new PushRule(PushRuleKind.Override, "r", false, true, ["notify"], [JsonNode.Parse("""{"kind":"org.example.future"}""")]);
        Assert.False(PushRuleEvaluator.Matches(rule, Input(Message("x"))));
        Assert.True(PushRuleEvaluator.Matches(rule with { Conditions = [] }, Input(Message("x"))));
    }

    [Fact]
    public void Group_message_notifies_without_highlight_and_one_to_one_plays_a_sound()
    {
        var group = Defaults(Input(Message("hello")));
        Assert.Equal(".m.rule.message", group.Rule!.RuleId);
        Assert.True(group.Notify);
        Assert.False(group.Highlight);

        var direct = Defaults(Input(Message("hello"), members: 2));
        Assert.Equal(".m.rule.room_one_to_one", direct.Rule!.RuleId);
        Assert.Equal("default", (string)direct.Tweaks["sound"]!);
    }

    [Fact]
    public void Mentions_highlight_and_room_mentions_need_the_power_level()
    {
        var mention = Defaults(Input(Message("hey", $$""","m.mentions":{"user_ids":["{{Alice}}"]}""")));
        Assert.Equal(".m.rule.is_user_mention", mention.Rule!.RuleId);
        Assert.True(mention.Highlight);

        var room = Message("all", ""","m.mentions":{"room":true}""");
        Assert.True(Defaults(Input(room, senderLevel: 50)).Highlight);
        Assert.Equal(".m.rule.message", Defaults(Input(room, senderLevel: 0)).Rule!.RuleId);
    }

    [Fact]
    public void Notices_edits_reactions_and_member_events_do_not_notify()
    {
        Assert.False(Defaults(Input(Message("bot", ""","msgtype2":1""").Also(e => e["content"]!["msgtype"] = "m.notice"))).Notify);
        Assert.False(Defaults(Input(Message("* fixed", ""","m.relates_to":{"rel_type":"m.replace","event_id":"$x"}"""))).Notify);
        Assert.False(Defaults(Input(Event("""{"type":"m.reaction","sender":"@bob:example.org","content":{}}"""))).Notify);
        Assert.False(Defaults(Input(Event("""{"type":"m.room.member","state_key":"@bob:example.org","content":{"membership":"join"}}"""))).Notify);
        Assert.Empty(Defaults(Input(Event("""{"type":"m.room.name","state_key":"","content":{"name":"x"}}"""))).Actions);
    }

    [Fact]
    public void Invites_for_the_user_notify_and_tombstones_highlight()
    {
        var invite = Defaults(Input(Event($$$"""{"type":"m.room.member","state_key":"{{{Alice}}}","content":{"membership":"invite"}}""")));
        Assert.Equal(".m.rule.invite_for_me", invite.Rule!.RuleId);
        Assert.True(invite.Notify);
        Assert.False(Defaults(Input(Event("""{"type":"m.room.member","state_key":"@carol:example.org","content":{"membership":"invite"}}"""))).Notify);
        Assert.True(Defaults(Input(Event("""{"type":"m.room.tombstone","state_key":"","content":{}}"""))).Highlight);
        Assert.False(Defaults(Input(Event("""{"type":"m.room.tombstone","state_key":"x","content":{}}"""))).Notify);
    }

    [Fact]
    public void Encrypted_events_and_calls_notify_by_the_underride_defaults()
    {
        Assert.Equal(".m.rule.encrypted_room_one_to_one", Defaults(Input(Event("""{"type":"m.room.encrypted","content":{}}"""), members: 2)).Rule!.RuleId);
        Assert.Equal(".m.rule.encrypted", Defaults(Input(Event("""{"type":"m.room.encrypted","content":{}}"""))).Rule!.RuleId);
        Assert.Equal("ring", (string)Defaults(Input(Event("""{"type":"m.call.invite","content":{}}"""))).Tweaks["sound"]!);
    }

    [Fact]
    public void Master_rule_enabled_silences_everything_before_user_rules()
    {
        var defaults = DefaultPushRules.For(Alice).Select(r => r.RuleId == PushRuleSet.MasterRuleId ? r with { Enabled = true } : r).ToList();
        var loud = new PushRule(PushRuleKind.Override, "loud", false, true, ["notify"], []);
        var result = PushRuleEvaluator.Evaluate(PushRuleSet.Merge(defaults, [loud]), Input(Message("hello")));
        Assert.Equal(PushRuleSet.MasterRuleId, result.Rule!.RuleId);
        Assert.False(result.Notify);
    }

    [Fact]
    public void User_rules_win_over_defaults_and_disabled_rules_are_skipped()
    {
        var content = new PushRule(PushRuleKind.Content, "cake", false, true, ["notify", JsonNode.Parse("""{"set_tweak":"highlight"}""")], Pattern: "cake");
        var sender = new PushRule(PushRuleKind.Sender, "@bob:example.org", false, true, ["dont_notify"]);
        var room = new PushRule(PushRuleKind.Room, "!room:example.org", false, false, []);
        var set = PushRuleSet.Merge(DefaultPushRules.For(Alice), [content, room, sender]);

        var cake = PushRuleEvaluator.Evaluate(set, Input(Message("I want CAKE now")));
        Assert.Equal("cake", cake.Rule!.RuleId);
        Assert.True(cake.Highlight);

        var muted = PushRuleEvaluator.Evaluate(set, Input(Message("hello")));
        Assert.Equal("@bob:example.org", muted.Rule!.RuleId);
        Assert.Empty(muted.Actions);
        Assert.Equal(".m.rule.message", PushRuleEvaluator.Evaluate(set, Input(Message("hello", sender: "@carol:example.org"))).Rule!.RuleId);
    }

    [Fact]
    public void Highlight_tweak_is_true_without_value_and_false_when_absent_or_false()
    {
        Assert.True(new PushEvaluation(null, ["notify", JsonNode.Parse("""{"set_tweak":"highlight"}""")]).Highlight);
        Assert.False(new PushEvaluation(null, ["notify", JsonNode.Parse("""{"set_tweak":"highlight","value":false}""")]).Highlight);
        Assert.False(new PushEvaluation(null, ["notify"]).Highlight);
        Assert.False(new PushEvaluation(null, []).Notify);
        Assert.Equal("""["notify"]""", PushRuleEvaluator.StripHistorical(["coalesce", "notify", "dont_notify"]).ToJsonString());
    }
}

internal static class JsonObjectExtensions
{
    public static JsonObject Also(this JsonObject json, Action<JsonObject> change)
    {
        change(json);
        return json;
    }
}
