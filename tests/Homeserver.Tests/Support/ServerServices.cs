using Microsoft.Extensions.DependencyInjection;

namespace Messenger.Homeserver.Tests.Support;

/// <summary>Calls a scoped service of the running server, for what no HTTP endpoint shows yet (sync's key data).</summary>
public static class ServerServices
{
    public static async Task<TResult> WithServiceAsync<TService, TResult>(this ServerFixture server, Func<TService, Task<TResult>> use)
        where TService : notnull
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await use(scope.ServiceProvider.GetRequiredService<TService>());
    }
}
