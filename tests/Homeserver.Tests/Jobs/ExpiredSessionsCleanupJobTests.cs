using Messenger.Homeserver.Jobs;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Jobs;

/// <summary>The hourly cleanup removes what has expired and nothing else.</summary>
public sealed class ExpiredSessionsCleanupJobTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    [Fact]
    public async Task Expired_uia_sessions_and_long_expired_access_tokens_are_deleted_live_ones_kept()
    {
        var http = server.Client;
        var old = (await http.PostMatrixAsync(V3 + "/register", new { username = NewUsername(), password = "correct horse" })).String("session");
        var account = await http.RegisterAsync();
        var refreshable = await http.LoginAsync(account.UserId, account.Password, refresh: true);

        server.Clock.Advance(TimeSpan.FromDays(2));
        var fresh = (await http.PostMatrixAsync(V3 + "/register", new { username = NewUsername(), password = "correct horse" })).String("session");

        await using (var scope = server.Services.CreateAsyncScope())
        {
            var job = ActivatorUtilities.CreateInstance<ExpiredSessionsCleanupJob>(scope.ServiceProvider);
            await job.Execute(null!, CancellationToken.None);
        }

        await using var check = server.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<HomeserverDbContext>();
        Assert.False(await db.UiaSessions.AnyAsync(s => s.SessionId == old));
        Assert.True(await db.UiaSessions.AnyAsync(s => s.SessionId == fresh));
        Assert.Equal([account.DeviceId], await db.AccessTokens.Where(t => t.UserId == account.UserId).Select(t => t.DeviceId).ToListAsync());
        Assert.True(await db.RefreshTokens.AnyAsync(t => t.DeviceId == refreshable.DeviceId), "the refresh token survives its access token");
    }
}
