using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Messenger.Homeserver.Http;

/// <summary>
/// Path parameters that contain an escaped slash (<c>%2F</c>) reach the endpoints with the slash. Kestrel decodes
/// every escape of the request path except <c>%2F</c> (it would change the segments), so without this a route value
/// keeps the three characters "%2F". Matrix path parameters are opaque strings a client percent-encodes as one
/// segment ("API Standards": path parameters are URL-encoded), and several of them carry slashes routinely:
/// Megolm session ids in <c>/room_keys/keys/{roomId}/{sessionId}</c> are unpadded standard base64 (about half of them
/// contain '/'), as are room version 3 event ids; state keys, transaction ids and user ids may contain '/' too.
/// Each parameter is therefore decoded again from the raw request target, segment by segment, so that a literal
/// "%2F" (sent as <c>%252F</c>) stays what the client meant.
/// </summary>
public static class EncodedSlashes
{
    /// <summary>Runs after <c>UseRouting</c>, before the endpoint binds its parameters.</summary>
    public static IApplicationBuilder UseEncodedSlashesInRouteValues(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            Decode(context);
            return next(context);
        });

    private static void Decode(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (raw is null || !raw.StartsWith('/') || !raw.Contains("%2F", StringComparison.OrdinalIgnoreCase)
            || context.GetEndpoint() is not RouteEndpoint endpoint)
        {
            return;
        }

        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var segments = (query < 0 ? raw : raw[..query])[1..].Split('/');
        var pattern = endpoint.RoutePattern.PathSegments;
        // Dot segments or doubled slashes that Kestrel normalised would shift the positions: leave those requests be.
        if (context.Request.Path.Value?.Count(c => c == '/') != segments.Length)
        {
            return;
        }

        for (var i = 0; i < Math.Min(pattern.Count, segments.Length); i++)
        {
            if (pattern[i].Parts is not [RoutePatternParameterPart parameter])
            {
                continue;
            }

            var value = parameter.IsCatchAll
                ? string.Join('/', segments[i..].Select(Uri.UnescapeDataString))
                : Uri.UnescapeDataString(segments[i]);
            if (context.Request.RouteValues.ContainsKey(parameter.Name))
            {
                context.Request.RouteValues[parameter.Name] = value;
            }
        }
    }
}
