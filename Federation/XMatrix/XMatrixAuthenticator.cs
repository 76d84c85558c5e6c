using System.Text.Json.Nodes;
using Messenger.Federation.Http;
using Messenger.Federation.Keys;
using Messenger.Federation.Policy;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Federation.Protocol.Json;
using Messenger.Federation.Sending;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Messenger.Federation.XMatrix;

/// <summary>
/// Verifies an inbound request's <c>Authorization: X-Matrix</c> header (server-server API, "Request Authentication"):
/// the header parses; <c>destination</c>, when present, is us (else 401, as the spec demands); the origin may
/// federate with us (else 403); the origin's key is known or fetched and currently valid (an <c>old_verify_keys</c>
/// entry signs only events, never requests); and the signature holds over <c>{method, uri, origin, destination,
/// content}</c> with <c>uri</c> the request target exactly as received. The result is cached on the request.
/// </summary>
public sealed partial class XMatrixAuthenticator(FederationOptions options, FederationDomainPolicy policy, IServerKeyResolver keys,
    IEnumerable<IRemoteActivity> activity, TimeProvider time, ILogger<XMatrixAuthenticator> logger)
{
    private static readonly object ItemKey = new();

    public async Task<FederationRequest> AuthenticateAsync(HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var done) && done is FederationRequest cached) return cached;

        var header = context.Request.Headers.Authorization
            .Select(v => XMatrixHeader.TryParse(v, out var h) ? h : null).FirstOrDefault(h => h is not null)
            ?? throw FederationError.Unauthorized("Missing or malformed X-Matrix Authorization header");
        if (header.Destination is not null && header.Destination != options.ServerName)
            throw FederationError.Unauthorized($"Request is for {header.Destination}, not for this server");
        if (!ServerName.IsValid(header.Origin)) throw FederationError.Unauthorized("Origin is not a valid server name");
        if (!policy.IsAllowed(header.Origin))
        {
            LogForbidden(logger, header.Origin);
            throw FederationError.Forbidden("Federation with this server is not allowed");
        }

        var content = await ReadContentAsync(context);
        var uri = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path + context.Request.QueryString;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var known = await keys.GetVerifyKeysAsync(header.Origin, [header.Key], now, context.RequestAborted);
        if (!known.TryGetValue(header.Key, out var key) || !key.IsValidAt(now))
        {
            LogRejected(logger, header.Origin, "unknown or expired key " + header.Key);
            throw FederationError.Unauthorized($"Unknown or expired key {header.Key} of {header.Origin}");
        }
        var check = XMatrixSigning.Verify(header, context.Request.Method, uri, content, key.Key);
        if (!check.IsValid)
        {
            LogRejected(logger, header.Origin, check.ToString());
            throw FederationError.Unauthorized("Invalid X-Matrix signature");
        }

        var request = new FederationRequest(header.Origin, content);
        context.Items[ItemKey] = request;
        foreach (var observer in activity) observer.OnAuthenticatedRequest(header.Origin);
        return request;
    }

    /// <summary>The body as JSON (numbers as old room versions may carry them), or null when there is none.</summary>
    private static async Task<JsonNode?> ReadContentAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        if (buffer.Length == 0) return null;
        var parsed = StrictJson.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), strictNumbers: false);
        return parsed.IsSuccess ? parsed.Value : throw FederationError.NotJson("Content not JSON.");
    }

    [LoggerMessage(EventId = 7201, Level = LogLevel.Information, Message = "Federation request from {Origin} refused: {Reason}")]
    private static partial void LogRejected(ILogger logger, string origin, string reason);

    [LoggerMessage(EventId = 7202, Level = LogLevel.Information, Message = "Federation request from {Origin} refused: not allowed to federate")]
    private static partial void LogForbidden(ILogger logger, string origin);
}
