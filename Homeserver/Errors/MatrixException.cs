using System.Text.Json.Nodes;

namespace Messenger.Homeserver.Errors;

/// <summary>
/// A failure that reaches the client as a standard error response <c>{errcode, error, ...}</c>.
/// Services throw it through the factories of <see cref="MatrixError"/>, which say why, never which status.
/// </summary>
public class MatrixException(MatrixErrorCode code, string message, int? status = null, JsonObject? extra = null)
    : Exception(message)
{
    public MatrixErrorCode Code { get; } = code;
    public int Status { get; } = status ?? code.DefaultStatus;

    /// <summary>Extra response keys the spec defines for some codes (<c>soft_logout</c>, <c>retry_after_ms</c>, ...).</summary>
    public JsonObject? Extra { get; } = extra;

    /// <summary>The response body.</summary>
    public virtual JsonObject ToJson()
    {
        var body = new JsonObject { ["errcode"] = Code.Code, ["error"] = Message };
        if (Extra is not null)
        {
            foreach (var (key, value) in Extra) body[key] = value?.DeepClone();
        }
        return body;
    }
}
