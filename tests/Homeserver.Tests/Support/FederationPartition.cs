using System.Collections.Concurrent;
using Messenger.Federation.XMatrix;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Messenger.Homeserver.Tests.Support;

/// <summary>
/// A network partition as one server sees it: authenticated federation requests from the listed origins are answered
/// 503 before they reach any endpoint, as if the connection failed, so their senders back off and retry like they
/// would for an unreachable server. Key requests (unauthenticated) still pass. Installed first in the pipeline.
/// </summary>
public sealed class FederationPartition : IStartupFilter
{
    private readonly ConcurrentDictionary<string, bool> refused = new(StringComparer.Ordinal);

    public void Refuse(params string[] origins)
    {
        foreach (var origin in origins) refused[origin] = true;
    }

    public void Heal() => refused.Clear();

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (HttpContext context, Func<Task> call) =>
        {
            if (!refused.IsEmpty && XMatrixHeader.TryParse(context.Request.Headers.Authorization, out var header) && refused.ContainsKey(header.Origin))
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }
            await call();
        });
        next(app);
    };
}
