using System.Text;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Json;
using Xunit;

namespace Messenger.Federation.Tests.Protocol.Json;

/// <summary>Properties over many random documents (seeded, so a failure reproduces): canonical form is stable and lossless.</summary>
public class CanonicalJsonPropertyTests
{
    private const int Cases = 400;

    [Fact]
    public void Canonical_form_parses_back_to_an_equal_value_and_re_encodes_identically()
    {
        var random = new Random(20261128);
        for (var i = 0; i < Cases; i++)
        {
            var value = RandomValue(random, depth: 0);
            var first = CanonicalJson.Encode(value);
            Assert.True(first.IsSuccess, first.Error);

            var reparsed = StrictJson.Parse(first.Bytes);
            Assert.True(reparsed.IsSuccess, reparsed.Error);
            Assert.True(JsonNode.DeepEquals(value, reparsed.Value), Encoding.UTF8.GetString(first.Bytes));
            Assert.Equal(first.Bytes, CanonicalJson.Encode(reparsed.Value).Bytes);
        }
    }

    [Fact]
    public void Key_order_of_the_input_does_not_matter()
    {
        var random = new Random(7);
        for (var i = 0; i < Cases; i++)
        {
            var obj = new JsonObject();
            foreach (var key in Enumerable.Range(0, random.Next(1, 8)).Select(_ => RandomString(random)).Distinct())
                obj[key] = random.Next();
            var shuffled = new JsonObject(obj.OrderBy(_ => random.Next()).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));

            Assert.Equal(CanonicalJson.Encode(obj).Bytes, CanonicalJson.Encode(shuffled).Bytes);
        }
    }

    [Fact]
    public void Strict_parser_never_throws_on_damaged_input()
    {
        var random = new Random(99);
        for (var i = 0; i < Cases; i++)
        {
            var bytes = CanonicalJson.Encode(RandomValue(random, 0)).Bytes!;
            for (var flips = random.Next(1, 4); flips > 0 && bytes.Length > 0; flips--)
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);

            var result = StrictJson.Parse(bytes);

            Assert.True(result.IsSuccess || result.Error.Length > 0);
        }
    }

    private static JsonNode? RandomValue(Random random, int depth)
    {
        var pick = random.Next(depth > 3 ? 5 : 7);
        switch (pick)
        {
            case 0: return null;
            case 1: return JsonValue.Create(random.Next(2) == 0);
            case 2: return JsonValue.Create(random.NextInt64(-CanonicalJson.MaxSafeInteger, CanonicalJson.MaxSafeInteger));
            case 3:
            case 4: return JsonValue.Create(RandomString(random));
            case 5:
                var array = new JsonArray();
                for (var i = random.Next(4); i > 0; i--) array.Add(RandomValue(random, depth + 1));
                return array;
            default:
                var obj = new JsonObject();
                for (var i = random.Next(5); i > 0; i--) obj[RandomString(random)] = RandomValue(random, depth + 1);
                return obj;
        }
    }

    /// <summary>Mixes ASCII, controls, quotes, BMP characters on both sides of the surrogate range, and astral characters.</summary>
    private static string RandomString(Random random)
    {
        string[] pieces = ["a", "Z", "0", "\"", "\\", "\n", "\u0001", "\u001f", "\u007f", "é", "日", "\uFB01", "\uFFFD", "😀", "𝄞", "/", " "];
        var builder = new StringBuilder();
        for (var i = random.Next(6); i > 0; i--) builder.Append(pieces[random.Next(pieces.Length)]);
        return builder.ToString();
    }
}
