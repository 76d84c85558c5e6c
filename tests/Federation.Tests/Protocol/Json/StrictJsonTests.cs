using Messenger.Federation.Protocol.Json;
using Xunit;

namespace Messenger.Federation.Tests.Protocol.Json;

/// <summary>Strict parsing of received JSON (appendix "Canonical JSON"; room versions 6+ "Canonical JSON").</summary>
public class StrictJsonTests
{
    [Theory]
    [InlineData("{\"a\":1,\"a\":2}")]
    [InlineData("{\"x\":{\"a\":1,\"b\":{},\"a\":3}}")]
    [InlineData("[{\"k\":1,\"\\u006b\":2}]")]
    public void Duplicate_keys_are_refused(string json)
    {
        Assert.False(StrictJson.Parse(json).IsSuccess);
        Assert.False(StrictJson.Parse(json, strictNumbers: false).IsSuccess);
    }

    [Fact]
    public void Same_key_in_sibling_objects_is_fine()
    {
        Assert.True(StrictJson.Parse("[{\"a\":1},{\"a\":2}]").IsSuccess);
    }

    [Theory]
    [InlineData("{\"n\":1.5}")]
    [InlineData("{\"n\":1.0}")]
    [InlineData("{\"n\":1e3}")]
    [InlineData("{\"n\":9007199254740992}")]
    [InlineData("{\"n\":-9007199254740992}")]
    [InlineData("{\"n\":[123456789012345678901234567890]}")]
    public void Floats_and_out_of_range_integers_are_refused_when_strict(string json)
    {
        Assert.False(StrictJson.Parse(json).IsSuccess);
        Assert.True(StrictJson.Parse(json, strictNumbers: false).IsSuccess);
    }

    [Theory]
    [InlineData("{\"n\":9007199254740991}")]
    [InlineData("{\"n\":-9007199254740991}")]
    [InlineData("{\"n\":-0}")]
    public void Integers_in_range_parse(string json)
    {
        Assert.True(StrictJson.Parse(json).IsSuccess);
    }

    [Theory]
    [InlineData("{\"n\":NaN}")]
    [InlineData("{\"n\":Infinity}")]
    [InlineData("{\"n\":-Infinity}")]
    [InlineData("{\"a\":1,}")]
    [InlineData("{\"a\":1} // c")]
    [InlineData("{\"a\":\"\\ud800\"}")]
    [InlineData("{'a':1}")]
    public void Invalid_json_never_parses(string json)
    {
        Assert.False(StrictJson.Parse(json, strictNumbers: false).IsSuccess);
    }

    [Fact]
    public void ParseObject_wants_an_object()
    {
        Assert.False(StrictJson.ParseObject("[1]"u8).IsSuccess);
        Assert.Equal(1, (int)StrictJson.ParseObject("{\"a\":1}"u8).Object!["a"]!);
    }
}
