using System.Net;
using System.Text.Json.Nodes;

namespace Messenger.Homeserver.Tests.Support;

/// <summary>A response read once: status, headers and the JSON body.</summary>
public sealed record MatrixResponse(HttpStatusCode Status, JsonObject Body, HttpResponseMessage Raw)
{
    public string? ErrCode => (string?)Body["errcode"];

    /// <summary>Asserts a standard error response: status and errcode, and an <c>error</c> string.</summary>
    public MatrixResponse AssertError(int status, string errcode)
    {
        Assert.True((int)Status == status, $"expected {status} {errcode}, got {(int)Status}: {Body.ToJsonString()}");
        Assert.Equal(errcode, ErrCode);
        Assert.IsType<string>((string?)Body["error"]);
        return this;
    }

    public MatrixResponse AssertOk()
    {
        Assert.True(Status == HttpStatusCode.OK, $"expected 200, got {(int)Status}: {Body.ToJsonString()}");
        return this;
    }

    public string String(string key) => (string?)Body[key] ?? throw new Xunit.Sdk.XunitException($"no '{key}' in {Body.ToJsonString()}");
}
