using System.Text.Json.Nodes;
using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.Auth;

/// <summary>
/// The 401 of "User-Interactive Authentication API": <c>flows</c>, <c>params</c>, <c>session</c>, <c>completed</c>,
/// and <c>errcode</c>/<c>error</c> only when the last attempt at a stage failed.
/// </summary>
public sealed class UiaRequiredException(
    IReadOnlyList<UiaFlow> flows, string session, IReadOnlyList<string> completed, MatrixErrorCode? failure = null, string? failureMessage = null)
    : MatrixException(failure ?? MatrixErrorCode.Unauthorized, failureMessage ?? "Authentication required", 401)
{
    public override JsonObject ToJson()
    {
        var body = new JsonObject
        {
            ["flows"] = new JsonArray(flows.Select(f => (JsonNode)new JsonObject
            {
                ["stages"] = new JsonArray(f.Stages.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()),
            }).ToArray()),
            ["params"] = new JsonObject(),
            ["session"] = session,
        };
        if (completed.Count > 0) body["completed"] = new JsonArray(completed.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray());
        if (failure is not null)
        {
            body["errcode"] = failure.Code;
            body["error"] = failureMessage;
        }
        return body;
    }
}
