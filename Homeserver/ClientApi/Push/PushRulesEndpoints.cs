using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Http;

namespace Messenger.Homeserver.ClientApi.Push;

/// <summary>
/// Routes of "Push Rules: API". Only the <c>global</c> scope exists; clients (matrix-js-sdk, Element) fetch
/// <c>GET /pushrules/</c> before their first sync and retry until it answers.
/// </summary>
public static class PushRulesEndpoints
{
    private const string Rule = "/pushrules/global/{kind}/{ruleId}";

    public static void MapPushRulesEndpoints(this IEndpointRouteBuilder client)
    {
        client.MapGet("/pushrules/", async (Requester requester, PushRulesService service, HttpContext http) =>
            MatrixJson.Ok(new JsonObject { ["global"] = (await service.RuleSetAsync(requester.UserId, http.RequestAborted)).ToJson() }));

        client.MapGet("/pushrules/global/", async (Requester requester, PushRulesService service, HttpContext http) =>
            MatrixJson.Ok((await service.RuleSetAsync(requester.UserId, http.RequestAborted)).ToJson()));

        client.MapGet(Rule, async (string kind, string ruleId, Requester requester, PushRulesService service, HttpContext http) =>
            MatrixJson.Ok((await service.RuleAsync(requester.UserId, kind, ruleId, http.RequestAborted)).ToJson()));

        client.MapPut(Rule, async (string kind, string ruleId, string? before, string? after, Requester requester, PushRulesService service, HttpContext http) =>
        {
            await service.PutRuleAsync(requester.UserId, kind, ruleId, before, after, await MatrixJson.ReadObjectAsync(http), http.RequestAborted);
            return MatrixJson.Ok(new { });
        });

        client.MapDelete(Rule, async (string kind, string ruleId, Requester requester, PushRulesService service, HttpContext http) =>
        {
            await service.DeleteRuleAsync(requester.UserId, kind, ruleId, http.RequestAborted);
            return MatrixJson.Ok(new { });
        });

        client.MapGet(Rule + "/enabled", async (string kind, string ruleId, Requester requester, PushRulesService service, HttpContext http) =>
            MatrixJson.Ok(new { enabled = (await service.RuleAsync(requester.UserId, kind, ruleId, http.RequestAborted)).Enabled }));

        client.MapPut(Rule + "/enabled", async (string kind, string ruleId, Requester requester, PushRulesService service, HttpContext http) =>
        {
            await service.SetEnabledAsync(requester.UserId, kind, ruleId, await MatrixJson.ReadObjectAsync(http), http.RequestAborted);
            return MatrixJson.Ok(new { });
        });

        client.MapGet(Rule + "/actions", async (string kind, string ruleId, Requester requester, PushRulesService service, HttpContext http) =>
            MatrixJson.Ok(new JsonObject { ["actions"] = (await service.RuleAsync(requester.UserId, kind, ruleId, http.RequestAborted)).Actions.DeepClone() }));

        client.MapPut(Rule + "/actions", async (string kind, string ruleId, Requester requester, PushRulesService service, HttpContext http) =>
        {
            await service.SetActionsAsync(requester.UserId, kind, ruleId, await MatrixJson.ReadObjectAsync(http), http.RequestAborted);
            return MatrixJson.Ok(new { });
        });
    }
}
