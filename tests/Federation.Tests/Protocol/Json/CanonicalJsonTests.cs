using System.Text;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Json;
using Xunit;

namespace Messenger.Federation.Tests.Protocol.Json;

/// <summary>Appendix "Canonical JSON": the spec's examples byte for byte, and the escaping and number rules.</summary>
public class CanonicalJsonTests
{
    /// <summary>The input and expected texts of the appendix's examples (test-vectors.json, "canonical_json").</summary>
    public static TheoryData<string, string, string> SpecExamples => new()
    {
        { "empty object", "{}", "{}" },
        { "whitespace removed", "{\n    \"one\": 1,\n    \"two\": \"Two\"\n}", "{\"one\":1,\"two\":\"Two\"}" },
        { "keys re-ordered, pretty", "{\n    \"b\": \"2\",\n    \"a\": \"1\"\n}", "{\"a\":\"1\",\"b\":\"2\"}" },
        { "keys re-ordered, compact", "{\"b\":\"2\",\"a\":\"1\"}", "{\"a\":\"1\",\"b\":\"2\"}" },
        {
            "nested, sorted at every level",
            "{\n    \"auth\": {\n        \"success\": true,\n        \"mxid\": \"@john.doe:example.com\",\n        \"profile\": {\n            \"display_name\": \"John Doe\",\n            \"three_pids\": [\n                {\n                    \"medium\": \"email\",\n                    \"address\": \"john.doe@example.org\"\n                },\n                {\n                    \"medium\": \"msisdn\",\n                    \"address\": \"123456789\"\n                }\n            ]\n        }\n    }\n}",
            "{\"auth\":{\"mxid\":\"@john.doe:example.com\",\"profile\":{\"display_name\":\"John Doe\",\"three_pids\":[{\"address\":\"john.doe@example.org\",\"medium\":\"email\"},{\"address\":\"123456789\",\"medium\":\"msisdn\"}]},\"success\":true}}"
        },
        { "non-ASCII value raw", "{\n    \"a\": \"日本語\"\n}", "{\"a\":\"日本語\"}" },
        { "non-ASCII keys by code point", "{\n    \"本\": 2,\n    \"日\": 1\n}", "{\"日\":1,\"本\":2}" },
        { "\\u escape decoded", "{\n    \"a\": \"\\u65E5\"\n}", "{\"a\":\"日\"}" },
        { "null value", "{\n    \"a\": null\n}", "{\"a\":null}" },
        { "-0 and 1e10 as plain integers", "{\n    \"a\": -0,\n    \"b\": 1e10\n}", "{\"a\":0,\"b\":10000000000}" },
    };

    [Theory]
    [MemberData(nameof(SpecExamples))]
    public void Spec_example_encodes_byte_for_byte(string description, string input, string expected)
    {
        var node = JsonNode.Parse(input);

        var result = CanonicalJson.Encode(node);

        Assert.True(result.IsSuccess, description + ": " + result.Error);
        Assert.Equal(Encoding.UTF8.GetBytes(expected), result.Bytes);
    }

    [Theory]
    [InlineData("\"\\\"\"", "\"\\\"\"")]
    [InlineData("\"\\\\\"", "\"\\\\\"")]
    [InlineData("\"\\b\\t\\n\\f\\r\"", "\"\\b\\t\\n\\f\\r\"")]
    [InlineData("\"\\u0000\\u0001\\u000b\\u000E\\u001F\"", "\"\\u0000\\u0001\\u000b\\u000e\\u001f\"")]
    [InlineData("\"\\u007f\\u2028/<>&'+\"", "\"\u007f\u2028/<>&'+\"")]
    [InlineData("\"\\ud83d\\ude00\"", "\"😀\"")]
    [InlineData("{\"\\n\":\"\\u00e9\"}", "{\"\\n\":\"é\"}")]
    public void Only_quote_backslash_and_controls_are_escaped_with_the_grammar_forms(string input, string expected)
    {
        var result = CanonicalJson.Encode(JsonNode.Parse(input));

        Assert.Equal(expected, Encoding.UTF8.GetString(result.Bytes!));
    }

    [Fact]
    public void Keys_sort_by_code_point_not_by_utf16_unit()
    {
        // U+FB01 (ﬁ) is below U+1F600 (😀) as a code point, but above its surrogate pair as UTF-16 units.
        var node = new JsonObject { ["😀"] = 1, ["ﬁ"] = 2, ["a"] = 3 };

        Assert.Equal("{\"a\":3,\"ﬁ\":2,\"😀\":1}", CanonicalJson.Encode(node).ToString());
    }

    [Theory]
    [InlineData("9007199254740991", "9007199254740991")]
    [InlineData("-9007199254740991", "-9007199254740991")]
    [InlineData("1.0", "1")]
    [InlineData("-1E2", "-100")]
    public void Integral_numbers_in_range_are_plain_integers(string input, string expected)
    {
        Assert.Equal(expected, CanonicalJson.Encode(JsonNode.Parse(input)).ToString());
    }

    [Theory]
    [InlineData("9007199254740992")]
    [InlineData("-9007199254740992")]
    [InlineData("1.5")]
    [InlineData("1e300")]
    [InlineData("123456789012345678901234567890")]
    public void Numbers_outside_the_grammar_are_refused(string input)
    {
        var result = CanonicalJson.Encode(new JsonObject { ["n"] = JsonNode.Parse(input) });

        Assert.False(result.IsSuccess);
    }

    [Fact]
    public void Large_integers_are_kept_for_old_room_versions_but_floats_are_not()
    {
        var big = JsonNode.Parse("{\"a\":123456789012345678901234567890,\"b\":9007199254740993}");

        Assert.Equal("{\"a\":123456789012345678901234567890,\"b\":9007199254740993}",
            CanonicalJson.Encode(big, CanonicalNumbers.AllowLargeIntegers).ToString());
        Assert.False(CanonicalJson.Encode(JsonNode.Parse("[0.5]"), CanonicalNumbers.AllowLargeIntegers).IsSuccess);
    }

    [Fact]
    public void Numbers_built_in_code_encode_like_parsed_ones()
    {
        var node = new JsonObject { ["i"] = 5, ["l"] = 1L << 40, ["u"] = (ulong)7, ["d"] = 3.0, ["m"] = 12m };

        Assert.Equal("{\"d\":3,\"i\":5,\"l\":1099511627776,\"m\":12,\"u\":7}", CanonicalJson.Encode(node).ToString());
    }

    [Fact]
    public void Excluded_top_level_keys_are_left_out_without_changing_the_object()
    {
        var node = new JsonObject { ["b"] = 1, ["signatures"] = new JsonObject(), ["unsigned"] = new JsonObject(), ["a"] = new JsonObject { ["unsigned"] = 2 } };

        var result = CanonicalJson.Encode(node, ["signatures", "unsigned"]);

        Assert.Equal("{\"a\":{\"unsigned\":2},\"b\":1}", result.ToString());
        Assert.Equal(4, node.Count);
    }

    [Fact]
    public void Lone_surrogate_is_refused_as_a_value()
    {
        var node = new JsonObject { ["a"] = "\ud800" };

        Assert.False(CanonicalJson.Encode(node).IsSuccess);
    }
}
