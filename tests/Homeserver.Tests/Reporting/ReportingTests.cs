using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;
using Messenger.Homeserver.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Messenger.Homeserver.Tests.Support.DirectoryTestClient;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Reporting;

/// <summary>"Reporting content": events (joined reporters only), rooms and users; what is stored and the 404s.</summary>
public abstract class ReportingTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private async Task<List<ReportRow>> ReportsByAsync(Session reporter)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<ReportStore>().RecentAsync(1000)).Where(r => r.ReporterUserId == reporter.UserId).ToList();
    }

    private static string Path(string roomId, string? eventId = null) =>
        $"{V3}/rooms/{Uri.EscapeDataString(roomId)}/report" + (eventId is null ? "" : "/" + Uri.EscapeDataString(eventId));

    [Fact]
    public async Task Event_report_by_a_member_is_stored_with_reason_and_legacy_score()
    {
        var alice = await Http.RegisterAsync();
        var bob = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        (await Http.JoinAsync(bob, roomId)).AssertOk();
        var eventId = await Http.SendTextAsync(alice, roomId, "something nasty");

        (await Http.PostMatrixAsync(Path(roomId, eventId), new { reason = "this makes me sad", score = -100 }, bob.AccessToken)).AssertOk();
        (await Http.PostMatrixAsync(Path(roomId, eventId), new { }, bob.AccessToken)).AssertOk();

        var reports = (await ReportsByAsync(bob)).OrderBy(r => r.Id).ToList();
        Assert.Equal(2, reports.Count);
        Assert.All(reports, r => Assert.Equal((ReportRow.EventKind, roomId, eventId), (r.Kind, r.RoomId, r.EventId)));
        Assert.Equal(("this makes me sad", -100), (reports[0].Reason, reports[0].Score));
        Assert.Equal((null, null), (reports[1].Reason, reports[1].Score));
    }

    [Fact]
    public async Task Event_reports_outside_the_room_or_of_unknown_or_redacted_events_are_404()
    {
        var alice = await Http.RegisterAsync();
        var outsider = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice, new { preset = "public_chat" });
        var otherRoom = await Http.CreateRoomAsync(alice);
        var eventId = await Http.SendTextAsync(alice, roomId, "hello");
        var redacted = await Http.SendTextAsync(alice, roomId, "gone soon");
        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/rooms/{Uri.EscapeDataString(roomId)}/redact/{Uri.EscapeDataString(redacted)}/{Guid.NewGuid():N}", new { }, alice.AccessToken)).AssertOk();

        (await Http.PostMatrixAsync(Path(roomId, eventId), new { reason = "x" }, outsider.AccessToken)).AssertError(404, "M_NOT_FOUND");
        (await Http.PostMatrixAsync(Path(roomId, "$unknown"), new { reason = "x" }, alice.AccessToken)).AssertError(404, "M_NOT_FOUND");
        (await Http.PostMatrixAsync(Path(otherRoom, eventId), new { reason = "x" }, alice.AccessToken)).AssertError(404, "M_NOT_FOUND");
        (await Http.PostMatrixAsync(Path(roomId, redacted), new { reason = "x" }, alice.AccessToken)).AssertError(404, "M_NOT_FOUND");
        (await Http.PostMatrixAsync(Path(roomId, eventId), new { reason = 5 }, alice.AccessToken)).AssertError(400, "M_BAD_JSON");
        (await Http.PostMatrixAsync(Path(roomId, eventId), new { reason = "x" })).AssertError(401, "M_MISSING_TOKEN");
        Assert.Empty(await ReportsByAsync(outsider));
        Assert.Empty(await ReportsByAsync(alice));
    }

    [Fact]
    public async Task Rooms_are_reported_by_anyone_and_unknown_rooms_are_404()
    {
        var alice = await Http.RegisterAsync();
        var outsider = await Http.RegisterAsync();
        var roomId = await Http.CreateRoomAsync(alice);

        (await Http.PostMatrixAsync(Path(roomId), new { reason = "" }, outsider.AccessToken)).AssertOk();
        (await Http.PostMatrixAsync(Path("!unknown:test.local"), new { reason = "spam" }, outsider.AccessToken)).AssertError(404, "M_NOT_FOUND");
        (await Http.PostMatrixAsync(Path(roomId), new { }, outsider.AccessToken)).AssertError(400, "M_MISSING_PARAM");

        var report = Assert.Single(await ReportsByAsync(outsider));
        Assert.Equal((ReportRow.RoomKind, roomId, ""), (report.Kind, report.RoomId, report.Reason));
    }

    [Fact]
    public async Task Users_are_reported_by_anyone_and_unknown_users_are_404()
    {
        var alice = await Http.RegisterAsync();
        var mallory = await Http.RegisterAsync();
        var path = (string user) => $"{V3}/users/{Uri.EscapeDataString(user)}/report";

        (await Http.PostMatrixAsync(path(mallory.UserId), new { reason = "harassment" }, alice.AccessToken)).AssertOk();
        (await Http.PostMatrixAsync(path("@nobody:test.local"), new { reason = "x" }, alice.AccessToken)).AssertError(404, "M_NOT_FOUND");
        (await Http.PostMatrixAsync(path("@someone:elsewhere.example"), new { reason = "x" }, alice.AccessToken)).AssertError(404, "M_NOT_FOUND");
        (await Http.PostMatrixAsync(path("not-a-user"), new { reason = "x" }, alice.AccessToken)).AssertError(400, "M_INVALID_PARAM");
        (await Http.PostMatrixAsync(path(mallory.UserId), new { }, alice.AccessToken)).AssertError(400, "M_MISSING_PARAM");

        var report = Assert.Single(await ReportsByAsync(alice));
        Assert.Equal((ReportRow.UserKind, mallory.UserId, "harassment"), (report.Kind, report.TargetUserId, report.Reason));
    }
}

public sealed class SqliteReportingTests(SqliteServer server) : ReportingTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresReportingTests(PostgresServer server) : ReportingTests(server), IClassFixture<PostgresServer>;
