using System.Reflection;
using System.Text.Json.Nodes;
using Messenger.Federation.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.Federation.XMatrix;

/// <summary>
/// An authenticated federation request: the verified <see cref="Origin"/> server and the parsed JSON body the
/// signature covered. Declaring a parameter of this type on an endpoint makes it require a valid X-Matrix
/// signature (<see cref="XMatrixAuthenticator"/>): failures answer 401 <c>M_UNAUTHORIZED</c>, a server outside the
/// federation allow-list or on the block-list 403 <c>M_FORBIDDEN</c>, before the handler runs. Read the body from
/// <see cref="Content"/> (the request stream has been consumed).
/// </summary>
public sealed class FederationRequest(string origin, JsonNode? content)
{
    /// <summary>The server that signed the request.</summary>
    public string Origin { get; } = origin;

    /// <summary>The JSON body, or null for a request without one.</summary>
    public JsonNode? Content { get; } = content;

    /// <summary>The body as a JSON object: PUT and POST endpoints require one ("API standards").</summary>
    public JsonObject Body => Content as JsonObject ?? throw (Content is null ? FederationError.NotJson("Content not JSON.") : FederationError.BadJson("Content must be a JSON object."));

    public static async ValueTask<FederationRequest?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        await context.RequestServices.GetRequiredService<XMatrixAuthenticator>().AuthenticateAsync(context);
}
