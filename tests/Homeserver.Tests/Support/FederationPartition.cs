using System.Collections.Concurrent;
using Messenger.Federation.XMatrix;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Messenger.Homeserver.Tests.Support;

/// <summary>
/// A network partition as one server sees it: authenticated federation requests from the listed origins are answered
/// 503 before they reach any endpoint, as if the connection failed, so their senders back off and retry like they
/// would for an unreachable server. Key requests (unauthenticated) still pass. A stalled path (<see cref="Stall"/>)
/// holds every request to it until released: a server that is slow to answer. Installed first in the pipeline.
/// </summary>
public sealed class FederationPartition : IStartupFilter
{
    private readonly ConcurrentDictionary<string, bool> refused = new(StringComparer.Ordinal);

    public void Refuse(params string[] origins)
    {
        foreach (var origin in origins) refused[origin] = true;
    }

    public void Heal() => refused.Clear();

    private PathStall? stall;

    /// <summary>Holds every request whose path starts with <paramref name="pathPrefix"/> until the stall is released (disposed).</summary>
    public PathStall Stall(string pathPrefix) => Install(new PathStall(this, pathPrefix, fail: false));

    /// <summary>Answers every request whose path starts with <paramref name="pathPrefix"/> 503 until disposed.</summary>
    public PathStall Fail(string pathPrefix) => Install(new PathStall(this, pathPrefix, fail: true));

    private PathStall Install(PathStall held)
    {
        Volatile.Write(ref stall, held);
        return held;
    }

    /// <summary>
    /// One stalled (or failing) path: <see cref="Reached"/> completes when a request arrived; disposing lets them all go
    /// on (or pass again).
    /// </summary>
    public sealed class PathStall(FederationPartition owner, string pathPrefix, bool fail) : IDisposable
    {
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Reached => reached.Task;

        /// <summary>Holds a matching request; true when it was answered 503 instead.</summary>
        internal async Task<bool> HoldAsync(HttpContext context)
        {
            if (context.Request.Path.Value?.StartsWith(pathPrefix, StringComparison.Ordinal) != true) return false;
            reached.TrySetResult();
            if (fail && !released.Task.IsCompleted)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return true;
            }
            await released.Task.WaitAsync(context.RequestAborted);
            return false;
        }

        public void Dispose()
        {
            Interlocked.CompareExchange(ref owner.stall, null, this);
            released.TrySetResult();
        }
    }

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (HttpContext context, Func<Task> call) =>
        {
            if (!refused.IsEmpty && XMatrixHeader.TryParse(context.Request.Headers.Authorization, out var header) && refused.ContainsKey(header.Origin))
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }
            if (Volatile.Read(ref stall) is { } held && await held.HoldAsync(context)) return;
            await call();
        });
        next(app);
    };
}
