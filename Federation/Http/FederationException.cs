using System.Text.Json.Nodes;

namespace Messenger.Federation.Http;

/// <summary>
/// A failure of a federation request that reaches the remote server as a standard error response
/// <c>{errcode, error}</c>. Federation cannot see the homeserver's error types, so the homeserver's one exception
/// handler renders this type too. Raise through <see cref="FederationError"/>.
/// </summary>
public sealed class FederationException(string errcode, string message, int status, JsonObject? extra = null) : Exception(message)
{
    public string Errcode { get; } = errcode;
    public int Status { get; } = status;

    /// <summary>Extra keys of the error body (e.g. <c>retry_after_ms</c>).</summary>
    public JsonObject? Extra { get; } = extra;

    public JsonObject ToJson()
    {
        var body = new JsonObject { ["errcode"] = Errcode, ["error"] = Message };
        if (Extra is not null)
        {
            foreach (var (key, value) in Extra) body[key] = value?.DeepClone();
        }
        return body;
    }
}
